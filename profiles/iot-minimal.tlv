# iot-minimal.tlv — a SAIP v3.3 "IoT minimal" profile package (UPP): header, MF,
# PIN1/ADM1, ADF.USIM with EF.IMSI, Milenage, end.  Compiled by tools/tlvasm into
# <build>/profiles/iot-minimal.der (syntax: profiles/README.md).
#
# ICCID 8988299000000000011 (header: BCD digit string; EF.ICCID: nibbles swapped)
# IMSI  001010000000001, PIN1 "0000" (disabled), ADM1 "88888888"
# Milenage: 3GPP TS 35.208 test set 1 (K, OPc), default r/c constants and SQN options
#
# Access rules (EF.ARR records, numbered as the SAIP Annex A templates reference them):
#   MF  EF.ARR 2F06 (14 x 32): 1 read always / update PIN1, 10 read always / update ADM,
#       11 read always / update never, 14 everything ADM (MF, DFs, ADFs)
#   USIM EF.ARR 6F06 (10 x 36): 1 everything ADM, 2 read PIN1 / update ADM,
#       5 read+update PIN1, 8 read PIN1 / update PIN2, 10 read always / update ADM
# fillFileOffset (82) skips to the next record used (unfilled octets stay FF).

A0 {                                    # header
  80 int:3                              # major-version
  81 int:3                              # minor-version
  82 "euicc-emu IoT minimal"            # profileType
  83 8988299000000000011F               # iccid
  A5 {                                  # eUICC-Mandatory-services
    81 null                             #   usim
    84 null                             #   milenage
  }
  A6 {                                  # eUICC-Mandatory-GFSTEList
    06 oid:2.23.143.1.2.1               #   MF
    06 oid:2.23.143.1.2.4.2             #   ADF.USIM v2
  }
  87 "https://eim.example.com:8443"     # connectivityParameters (SGP.32 httpParams)
  A9 {                                  # iotOptions
    80 1002FFFFFFFF89                   #   pix of the USIM AID
  }
}

B0 {                                    # mf
  A0 { 80 null 81 int:1 }               # PEHeader: mandated, identification 1
  81 oid:2.23.143.1.2.1                 # templateID: MF
  A2 { A1 { 8B 2F060E C6 010A } }       # mf: ARR record 14; PIN status: PIN1, ADM1
  A4 {                                  # ef-iccid
    A1 { 8B 2F060B }                    #   read always, update never
    83 988892090000000010F1
  }
  A5 {                                  # ef-dir: 1 record of 32
    A1 { 82 42210020 83 2F00 8B 2F060A 80 20 }
    83 61144F0CA0000000871002FFFFFFFF8950045553494D    # USIM
  }
  A6 {                                  # ef-arr: 14 records of 32
    A1 { 82 42210020 83 2F06 8B 2F060A 80 01C0 }
    83 8001019000800102A406830101950108800158A40683010A950108   # 1
    82 int:261
    83 800101900080015AA40683010A950108                          # 10
    82 int:16
    83 800101900080015A9700                                      # 11
    82 int:86
    83 80015BA40683010A950108                                    # 14
  }
}

A2 {                                    # pinCodes (MF: global PINs)
  A0 { 80 null 81 int:2 }
  A1 { A0 {                             # pinconfig
    30 { 80 int:1  81 30303030FFFFFFFF  83 int:6 }        # PIN1 "0000", disabled, 3/3
    30 { 80 int:10 81 3838383838383838  83 int:3  84 int:170 }   # ADM1, 10/10
  } }
}

B3 {                                    # usim
  A0 { 80 null 81 int:3 }
  81 oid:2.23.143.1.2.4.2               # templateID: ADF.USIM v2 (17-octet EF.UST)
  A2 { A1 {                             # adf-usim (temporary FID 7FF0)
    83 7FF0 84 A0000000871002FFFFFFFF89 8B 2F060E C6 81010A
  } }
  A3 { 83 080910100000000010 }          # ef-imsi: 001010000000001
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
  AE { 83 00 }                          # ef-est: FDN off
  B2 { 83 0001 }                        # ef-acc: class 0
  B6 { 83 11F2FF00 }                    # ef-ecc: 112
}

A4 {                                    # akaParameter (for ADF.USIM)
  A0 { 80 null 81 int:4 }
  A1 { A1 {                             # algoParameter
    80 int:1                            #   milenage
    81 00                               #   algorithmOptions
    82 465B5CE8B199B49FAA5F0A2EE238A6BC #   K   (TS 35.208 set 1)
    83 CD63CB71954A9F4E48A5994E37A02BAF #   OPc (TS 35.208 set 1)
  } }
}

AA { A0 { 80 null 81 int:5 } }         # end
