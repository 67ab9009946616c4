# application-mandated.tlv — a mandated application PE (Java Card load + install,
# identification 50): the card runs no Java Card byte code, so a mandated application
# aborts the install with pe-not-supported (1).
A8 {
  A0 { 80 null 81 int:50 }
  A1 {                                  # loadBlock
    4F A0000005591010FFFFFFFF8900000100 # loadPackageAID
    C4 01020304                         # loadBlockObject (not a real CAP)
  }
  A2 {                                  # instanceList
    30 {
      4F A0000005591010FFFFFFFF8900000100   # applicationLoadPackageAID
      4F A0000005591010FFFFFFFF8900000200   # classAID
      4F A0000005591010FFFFFFFF8900000300   # instanceAID
      82 00                                 # applicationPrivileges
      C9 00                                 # applicationSpecificParametersC9
    }
  }
}
