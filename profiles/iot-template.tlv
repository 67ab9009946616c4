# iot-template.tlv — the IoT minimal profile of iot-minimal.tlv written with the SAIP 3.3.1
# IoT templates: one PE-IoT (BF20, templateID 2.23.143.1.2.17) creates the MF, its files
# and ADF.USIM with its mandatory files; PE-OPT-IoT (BF21, 2.23.143.1.2.18) adds EF.SPN,
# EF.EST and DF.5GS with two of its files from the template defaults.
# Compiled by tools/tlvasm into <build>/profiles/iot-template.der (syntax: README.md).
#
# ICCID 8988299000000000041, IMSI 001010000000004, PIN1 "0000" (disabled), ADM1
# "88888888", Milenage TS 35.208 test set 1. Access rules as in iot-minimal.tlv.

A0 {                                    # header
  80 int:3                              # major-version
  81 int:3                              # minor-version
  82 "euicc-emu IoT templates"          # profileType
  83 8988299000000000041F               # iccid
  A5 {                                  # eUICC-Mandatory-services
    81 null                             #   usim
    84 null                             #   milenage
  }
  A6 {                                  # eUICC-Mandatory-GFSTEList
    06 oid:2.23.143.1.2.17              #   IoT
    06 oid:2.23.143.1.2.18              #   IoT optional
  }
  A9 {                                  # iotOptions
    80 1002FFFFFFFF89                   #   pix of the USIM AID
  }
}

BF20 {                                  # iot
  A0 { 80 null 81 int:1 }               # PEHeader: mandated, identification 1
  81 oid:2.23.143.1.2.17                # templateID: IoT
  A2 { A1 { 8B 2F060E C6 010A } }       # mf: ARR record 14; PIN status: PIN1, ADM1
  A4 {                                  # ef-iccid
    A1 { 8B 2F060B }                    #   read always, update never
    83 988892090000000040F1
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
  A8 { A1 {                             # adf-usim (temporary FID 7FF0)
    83 7FF0 84 A0000000871002FFFFFFFF89 8B 2F060E C6 81010A
  } }
  A9 { 83 080910100000000040 }          # ef-imsi: 001010000000004
  AA {                                  # ef-arr-usim: 10 records of 36
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
  AE { 83 0200000000000000000000000000000000 }  # ef-ust: service 2 (FDN)
  B2 { 83 0001 }                        # ef-acc: class 0
  B6 { 83 11F2FF00 }                    # ef-ecc: 112
}

A2 {                                    # pinCodes (MF: global PINs)
  A0 { 80 null 81 int:2 }
  A1 { A0 {                             # pinconfig
    30 { 80 int:1  81 30303030FFFFFFFF  83 int:6 }        # PIN1 "0000", disabled, 3/3
    30 { 80 int:10 81 3838383838383838  83 int:3  84 int:170 }   # ADM1, 10/10
  } }
}

BF21 {                                  # opt-iot
  A0 { 81 int:3 }                       # PEHeader: identification 3
  81 oid:2.23.143.1.2.18                # templateID: IoT optional
  A6 { 83 0165756963632D656D75FFFFFFFFFFFFFF }   # ef-spn: "euicc-emu"
  A7 { 83 00 }                          # ef-est: FDN off
  AD { }                                # df-df-5gs (template facts)
  AE { }                                # ef-5gs3gpploci (template default)
  B7 { }                                # ef-routing-indicator (template default)
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
