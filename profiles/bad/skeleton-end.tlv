# skeleton-end.tlv — the end PE of the skeleton profile (identification 99).
AA { A0 { 80 null 81 int:99 } }
