# truncated-inner.tlv — a pinCodes PE whose outer length is right but whose inner TLV
# announces more octets than the element holds (malformed DER inside the element).
A2 {
  A0 { 80 null 81 int:50 }
  hex: A1 30 A0 2E 30 10 80 01 01 81 08 30 30 30 30 FF FF FF FF
}
