# usim-unknown-template.tlv — a mandated usim PE (identification 50) naming a templateID
# no SAIP version defines (2.23.143.1.2.99): refused with template-not-supported (9).
B3 {
  A0 { 80 null 81 int:50 }
  81 oid:2.23.143.1.2.99
  A2 { A1 { 83 7FF0 84 A0000000871002FFFFFFFF89 8B 2F060E C6 81010A } }
  A3 { 83 080910100000000090 }
}
