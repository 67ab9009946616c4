# iot-late.tlv — a PE-IoT (identification 60) after the MF: PE-IoT creates the MF and may
# only stand where PE-MF does (second), so this one is refused (invalid-request-format).
BF20 {
  A0 { 80 null 81 int:60 }
  81 oid:2.23.143.1.2.17
  A2 { A1 { 8B 2F060E C6 010A } }
}
