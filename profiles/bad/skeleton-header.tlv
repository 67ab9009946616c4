# skeleton-header.tlv — header of the skeleton profile the malformed variants are made
# of (skeleton = skeleton-header + skeleton-mf + skeleton-end is itself well formed).
# ICCID 8988299000000000099
A0 {
  80 int:3  81 int:3
  82 "euicc-emu skeleton"
  83 8988299000000000099F
  A5 { }                                # no mandatory services
  A6 { 06 oid:2.23.143.1.2.1 }          # MF template
}
