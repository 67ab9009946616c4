#!/usr/bin/python3
"""tests/e2e/pyscard_csim.py READER — the enabled full-csim profile (profiles/full-csim.tlv)
seen by an unmodified Debian client (pyscard) through pcscd: SELECT ADF.CSIM by its
partial AID, EF.AD from the template (3 octets, read always), EF.IMSI_M refused before
VERIFY PIN1 and read after it, EF.COUNT INCREASEd, the doNotCreate EF.AOP absent; every
61xx followed with GET RESPONSE. Run with /usr/bin/python3 (Debian's python3-pyscard).
Prints one line per check; exits 1 when one fails."""
import sys

from smartcard.util import toHexString

import pyscard_util

FAILS = []


def transmit(conn, apdu_hex):
    """(data, SW as one number)."""
    data, sw1, sw2 = pyscard_util.transmit(conn, apdu_hex)
    return data, (sw1 << 8) | sw2


def check(ok, what):
    print("%s %s" % ("PASS" if ok else "FAIL", what))
    if not ok:
        FAILS.append(what)


def fcp_size(fcp):
    """File size (tag 80) of an FCP template 62."""
    i = 2
    while i + 1 < len(fcp):
        t, n = fcp[i], fcp[i + 1]
        if t == 0x80:
            return int.from_bytes(bytes(fcp[i + 2:i + 2 + n]), "big")
        i += 2 + n
    return None


def main():
    name = sys.argv[1]
    conn = pyscard_util.connect(name)
    if conn is None:
        return 1
    data, sw = transmit(conn, "00A4040407A000000343100200")
    check(sw == 0x9000 and data[:1] == [0x62], "SELECT ADF.CSIM by partial AID (%04X)" % sw)
    data, sw = transmit(conn, "00A40004026F4300")
    check(sw == 0x9000 and fcp_size(data) == 3, "EF.AD from the template: 3 octets")
    data, sw = transmit(conn, "00B0000003")
    check(sw == 0x9000 and data == [0xFF] * 3, "READ BINARY EF.AD without PIN")
    data, sw = transmit(conn, "00A40004026F2200")
    check(sw == 0x9000 and fcp_size(data) == 10, "EF.IMSI_M: template size 10")
    data, sw = transmit(conn, "00B000000A")
    check(sw == 0x6982, "READ BINARY EF.IMSI_M before VERIFY: 6982 (%04X)" % sw)
    data, sw = transmit(conn, "002000010831323334FFFFFFFF")
    check(sw == 0x9000, "VERIFY PIN1")
    data, sw = transmit(conn, "00B000000A")
    check(sw == 0x9000 and toHexString(data, 1) == "00112233445566778899",
          "READ BINARY EF.IMSI_M: %s" % toHexString(data, 1))
    data, sw = transmit(conn, "00A40004026F2100")
    check(sw == 0x9000, "SELECT EF.COUNT")
    data, sw = transmit(conn, "80320000020001")
    data, sw = transmit(conn, "00B2010402")
    check(sw == 0x9000 and data == [0x00, 0x01], "INCREASE EF.COUNT: %s" % toHexString(data))
    data, sw = transmit(conn, "00A40004026F2600")
    check(sw == 0x6A82, "EF.AOP (doNotCreate) absent (%04X)" % sw)
    conn.disconnect()
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
