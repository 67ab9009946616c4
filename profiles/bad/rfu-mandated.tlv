# rfu-mandated.tlv — a mandated PE with the tag of rfu1 (AB in SAIP 3.3.1, identification
# 50): a PE the card does not know, mandated, so the install aborts with
# pe-not-supported (1).
AB { A0 { 80 null 81 int:50 } 80 00 }
