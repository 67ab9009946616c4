# skeleton-mf.tlv — the MF of the skeleton profile (identification 1): EF.ICCID, EF.DIR
# (one empty record), EF.ARR (10 read always / update ADM, 11 read always, 14 ADM).
B0 {
  A0 { 80 null 81 int:1 }
  81 oid:2.23.143.1.2.1
  A2 { A1 { 8B 2F060E C6 010A } }
  A4 { 83 988892090000000090F9 }
  A5 {
    A1 { 82 42210020 83 2F00 80 20 }
    83 FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF   # no application
  }
  A6 {
    A1 { 82 42210020 83 2F06 80 01C0 }
    82 int:288
    83 800101900080015AA40683010A950108   # 10
    82 int:16
    83 800101900080015A9700                # 11
    82 int:86
    83 80015BA40683010A950108              # 14
  }
}
