# full-csim.tlv — a SAIP v3.3 profile package with a CDMA application: MF, ADF.CSIM from
# the ADF.CSIM v2 template (2.23.143.1.2.10.2) and CSIM optional v2 (2.23.143.1.2.11.2),
# PIN1 + ADM1 with PUK1, a cdmaParameter, end. Its CSIM files lean on the template the way
# real profiles do (the GSMA Generic eUICC Test Profile): most give content or a record
# length but no size, some are absent (created from the template), one says doNotCreate,
# and the files whose size C.S0065 leaves open give it. Compiled by tools/tlvasm into
# <build>/profiles/full-csim.der (profiles/README.md).
#
# ICCID 8988299000000000051; CSIM AID A0000003431002F310FFFF8905000000
# PIN1 "1234" enabled, PUK1 "12345678"; ADM1 "88888888"
# ADF.CSIM EF.ARR: the SAIP 9.9 default access rules 1..13, 13 records of 36 octets

A0 {                                    # header
  80 int:3
  81 int:3
  82 "euicc-emu full (CSIM)"
  83 8988299000000000051F
  A5 { 81 null 83 null }                # usim, csim
  A6 {
    06 oid:2.23.143.1.2.1               # MF
    06 oid:2.23.143.1.2.4.2             # ADF.USIM v2
    06 oid:2.23.143.1.2.10.2            # ADF.CSIM v2
    06 oid:2.23.143.1.2.11.2            # ADF.CSIM optional v2
  }
}

B0 {                                    # mf
  A0 { 80 null 81 int:1 }
  81 oid:2.23.143.1.2.1
  A2 { A1 { 8B 2F060E C6 010A } }
  A4 { A1 { 8B 2F060B } 83 988892090000000050F1 }           # ef-iccid
  A5 {                                  # ef-dir: 2 records of 32
    A1 { 82 42210020 83 2F00 8B 2F060A 80 40 }
    83 61144F0CA0000000871002FFFFFFFF8950045553494D          # USIM
    82 int:10
    83 61184F10A0000003431002F310FFFF890500000050044353494D  # CSIM
  }
  A6 {                                  # ef-arr: 14 records of 32
    A1 { 82 42210020 83 2F06 8B 2F060A 80 01C0 }
    83 8001019000800102A406830101950108800158A40683010A950108   # 1
    82 int:261
    83 800101900080015AA40683010A950108                        # 10
    82 int:16
    83 800101900080015A9700                                    # 11
    82 int:86
    83 80015BA40683010A950108                                  # 14
  }
}

A3 {                                    # pukCodes
  A0 { 80 null 81 int:2 }
  A1 {
    30 { 80 int:1   81 3132333435363738 }     # PUK1 "12345678", 10/10
    30 { 80 int:129 81 3837363534333231 }     # PUK2 "87654321", 10/10
  }
}

A2 {                                    # pinCodes (MF)
  A0 { 80 null 81 int:3 }
  A1 { A0 {
    30 { 80 int:1  81 31323334FFFFFFFF 82 int:1 }              # PIN1 "1234", enabled
    30 { 80 int:10 81 3838383838383838 83 int:3 84 int:170 }   # ADM1
  } }
}

B3 {                                    # usim (the files the template needs content for)
  A0 { 80 null 81 int:4 }
  81 oid:2.23.143.1.2.4.2
  A2 { A1 { 83 7FF0 84 A0000000871002FFFFFFFF89 8B 2F060E C6 81010A } }
  A3 { 83 080910100000000050 }          # ef-imsi: 001010000000005
  A4 {                                  # ef-arr: 10 records of 36
    A1 { 82 42210024 83 6F06 8B 6F060A 80 0168 }
    83 80015BA40683010A950108                                    # 1
    82 int:25
    83 800101A40683010195010880015AA40683010A950108              # 2
    82 int:86
    83 800103A406830101950108800158A40683010A950108              # 5
    82 int:86
    83 800101A406830101950108800102A406830181950108800158A40683010A950108  # 8
    82 int:39
    83 800101900080015AA40683010A950108                          # 10
  }
  A8 { 83 0200000000000000000000000000000000 }  # ef-ust: service 2 (FDN)
  A9 { 83 4F6E65FFFFFFFFFFFFFFFFFF0481214365F7FFFFFFFFFFFFFF }  # ef-fdn record 1: "One" 1234567
  AD { 83 0165756963632D656D75FFFFFFFFFFFFFF }   # ef-spn: "euicc-emu"
  AE { 83 01 }                          # ef-est: FDN on
}

A2 {                                    # pinCodes (ADF.USIM)
  A0 { 80 null 81 int:5 }
  A1 { A0 {
    30 { 80 int:129 81 35363738FFFFFFFF 82 int:129 }           # PIN2 "5678"
  } }
}

B9 {                                    # csim
  A0 { 80 null 81 int:6 }
  81 oid:2.23.143.1.2.10.2
  A2 { A1 { 83 7FC0 84 A0000003431002F310FFFF8905000000 8B 2F060E C6 81010A } }
  A3 {                                  # ef-arr: 13 records of 36
    A1 { 82 42210024 83 6F06 8B 6F060A 80 01D4 }
    83 8001019000800102A406830101950108800158A40683010A950108      # 1 read always, update PIN1
    82 int:9
    83 800101A40683010195010880015AA40683010A950108                # 2 read PIN1, update ADM
    82 int:14
    83 80015BA40683010A950108                                      # 3 all ADM
    82 int:25
    83 800101900080011A9700800140A40683010A950108                  # 4 read always, update never
    82 int:15
    83 800103A406830101950108800158A40683010A950108                # 5 read+update PIN1
    82 int:14
    83 800111A40683010195010880014AA40683010A950108                # 6 read+activate PIN1, update+deactivate ADM
    82 int:14
    83 800103A406830101950108800158A40683010A950108840132A406830101950108  # 7 read+update+increase PIN1
    82 int:3
    83 800101A406830101950108800102A406830181950108800158A40683010A950108  # 8 read PIN1, update PIN2
    82 int:3
    83 800101900080011AA406830101950108800140A40683010A950108      # 9 read always, update PIN1, terminate ADM
    82 int:9
    83 800101900080015AA40683010A950108                            # 10 read always, update ADM
    82 int:20
    83 8001019000800118A40683010A9501088001429700                  # 11 read always, update never, de/activate ADM
    82 int:15
    83 800101A40683010195010880015A9700                            # 12 read PIN1, update never
    82 int:20
    83 800113A406830101950108800148A40683010A950108                # 13 read+update+activate PIN1, deactivate ADM
  }
  A4 { A1 { 82 46210002 } 83 0000 }    # ef-call-count: record length, no count
  A5 { 83 00112233445566778899 }         # ef-imsi-m: content, template size 10
  A6 { }                                # ef-imsi-t: named, nothing given
  A9 { 80 null }                        # ef-aop: doNotCreate
  AB {                                  # ef-cdmahome: 3 records of 5
    A1 { 82 42210005 80 0F }
    83 E803AE0800
  }
  B2 { A1 { 80 12 } 83 001200000000400121000280005000006EDB }   # ef-prl: 18
  B4 { A1 { 80 0A } 83 F8F2009C030000000000 }                   # ef-csim-st: 10
  BB { A1 { 80 04 } 83 02FF02FF }                               # ef-li: 4
  BF1F { 83 00 }                         # ef-spcs
  BF24 { A1 { 80 0F } }                  # ef-call-prompt: 15
}

BA {                                    # opt-csim
  A0 { 81 int:7 }
  81 oid:2.23.143.1.2.11.2
  A2 { 83 02 }                          # ef-ssci: template size 1
  A3 { A1 { 82 4221001A 83 6F3B 8B 6F0608 C7 7FF06F3B } }   # ef-fdn: the USIM's
  A8 { 83 0101FF6575696363FFFFFFFF }      # ef-spn: template size 35
  A9 { A1 { 82 4221000B 80 16 } }         # ef-mdn: 2 records of 11
  BF27 { }                              # ef-3gcik: template size 32
}

A5 {                                    # cdmaParameter (CAVE: keys checked, not used)
  A0 { 81 int:8 }
  81 0001020304050607                   # authenticationKey
  82 000102030405060708090A0B0C0D0E0F   # ssd
}

AA { A0 { 80 null 81 int:9 } }          # end
