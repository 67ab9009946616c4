# full-milenage.tlv — a SAIP v3.3 profile package with everything a phone uses: MF,
# DF.TELECOM, ADF.USIM, ADF.ISIM, PIN1/PIN2/ADM1 with PUKs, Milenage (3GPP TS 35.208
# test set 1, so tests can compute RES/CK/IK/AUTS), an MNO security domain, end.
# Compiled by tools/tlvasm into <build>/profiles/full-milenage.der (profiles/README.md).
#
# ICCID 8988299000000000021, IMSI 001010000000002
# PIN1 "1234" enabled, PUK1 "12345678"; PIN2 (local, 81) "5678", PUK2 "87654321";
# ADM1 "88888888" (10 tries); PIN1/PIN2 3 tries, PUKs 10 tries
# K 465B5CE8B199B49FAA5F0A2EE238A6BC, OPc CD63CB71954A9F4E48A5994E37A02BAF (TS 35.208
# set 1), default rotation/xoring constants and SQN options; ADF.ISIM maps to the USIM's
# parameters (mappingParameter)
# MNO-SD A000000151000000 with SCP03 keys (KVN 30) 40..4F / 50..5F / 60..6F
#
# Access rules: as iot-minimal.tlv (MF EF.ARR records 1, 10, 11, 14; ADF EF.ARR records
# 1, 2, 5, 8, 10 in ADF.USIM and ADF.ISIM).

A0 {                                    # header
  80 int:3
  81 int:3
  82 "euicc-emu full (Milenage)"
  83 8988299000000000021F
  A5 { 81 null 82 null 84 null }        # usim, isim, milenage
  A6 {
    06 oid:2.23.143.1.2.1               # MF
    06 oid:2.23.143.1.2.3.2             # DF.TELECOM v2
    06 oid:2.23.143.1.2.4.2             # ADF.USIM v2
    06 oid:2.23.143.1.2.8               # ADF.ISIM
  }
}

B0 {                                    # mf
  A0 { 80 null 81 int:1 }
  81 oid:2.23.143.1.2.1
  A2 { A1 { 8B 2F060E C6 010A } }
  A4 { A1 { 8B 2F060B } 83 988892090000000020F1 }           # ef-iccid
  A5 {                                  # ef-dir: 2 records of 32
    A1 { 82 42210020 83 2F00 8B 2F060A 80 40 }
    83 61144F0CA0000000871002FFFFFFFF8950045553494D          # USIM
    82 int:10
    83 61144F0CA0000000871004FFFFFFFF8950044953494D          # ISIM
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

B2 {                                    # telecom
  A0 { 80 null 81 int:4 }
  81 oid:2.23.143.1.2.3.2
  A2 { A1 { 8B 2F060E C6 010A } }       # df-telecom (7F10)
}

B3 {                                    # usim
  A0 { 80 null 81 int:5 }
  81 oid:2.23.143.1.2.4.2
  A2 { A1 { 83 7FF0 84 A0000000871002FFFFFFFF89 8B 2F060E C6 81010A } }
  A3 { 83 080910100000000020 }          # ef-imsi: 001010000000002
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
  AD { 83 0165756963632D656D75FFFFFFFFFFFFFF }   # ef-spn: "euicc-emu"
  AE { 83 00 }                          # ef-est
  B2 { 83 0001 }                        # ef-acc
  B6 { 83 11F2FF00 }                    # ef-ecc: 112
}

A2 {                                    # pinCodes (ADF.USIM)
  A0 { 80 null 81 int:6 }
  A1 { A0 {
    30 { 80 int:129 81 35363738FFFFFFFF 82 int:129 }           # PIN2 "5678"
  } }
}

A4 {                                    # akaParameter (ADF.USIM)
  A0 { 80 null 81 int:7 }
  A1 { A1 {
    80 int:1                            # milenage
    81 00
    82 465B5CE8B199B49FAA5F0A2EE238A6BC
    83 CD63CB71954A9F4E48A5994E37A02BAF
  } }
}

B5 {                                    # isim
  A0 { 80 null 81 int:8 }
  81 oid:2.23.143.1.2.8
  A2 { A1 { 83 7FF1 84 A0000000871004FFFFFFFF89 8B 2F060E C6 81010A } }
  A3 { A1 { 80 20 } 83 801075736572406578616D706C652E6F7267 }             # ef-impi
  A4 { A1 { 82 42210020 80 20 } 83 80147369703A75736572406578616D706C652E6F7267 }  # ef-impu
  A5 { A1 { 80 10 } 83 800B6578616D706C652E6F7267 }                         # ef-domain
  A6 { 83 0000000000000000000000000000 }                                    # ef-ist
  A8 {                                  # ef-arr: 10 records of 36
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
}

A2 {                                    # pinCodes (ADF.ISIM): shared with ADF.USIM
  A0 { 80 null 81 int:9 }
  A1 { 81 7FF0 }                        # filePath: temporary FID of ADF.USIM
}

A4 {                                    # akaParameter (ADF.ISIM): the USIM's
  A0 { 80 null 81 int:10 }
  A1 { A0 {                             # mappingParameter
    80 01                               #   mappingOptions
    81 A0000000871002FFFFFFFF89         #   mappingSource: ADF.USIM
  } }
}

A6 {                                    # securityDomain: MNO-SD
  A0 { 80 null 81 int:11 }
  A1 {                                  # instance
    4F A0000001515350                   #   load package (ISD)
    4F A000000151535041                 #   class
    4F A000000151000000                 #   instance AID
    82 82DC00                           #   privileges
    83 0F                               #   life cycle: personalized
    C9 81020370                         #   install parameters: SCP03, i=70
  }
  A2 {                                  # keyList: SCP03 key set, KVN 30
    30 { 95 38 82 01 83 30 30 { 30 { 80 88 86 404142434445464748494A4B4C4D4E4F } } }
    30 { 95 34 82 02 83 30 30 { 30 { 80 88 86 505152535455565758595A5B5C5D5E5F } } }
    30 { 95 C8 82 03 83 30 30 { 30 { 80 88 86 606162636465666768696A6B6C6D6E6F } } }
  }
}

AA { A0 { 80 null 81 int:12 } }         # end
