# csim-nosize.tlv — a mandated csim PE (identification 50) naming EF.PRL, whose size
# 3GPP2 C.S0065 leaves open, with content but no efFileSize: the template cannot size
# it, so the PE is refused with bad-values (3).
B9 {
  A0 { 80 null 81 int:50 }
  81 oid:2.23.143.1.2.10
  A2 { A1 { 83 7FC0 84 A0000003431002F310FFFF8905000000 8B 2F060E C6 81010A } }
  B2 { 83 0012000000004001210002 }       # ef-prl: content, no size
}
