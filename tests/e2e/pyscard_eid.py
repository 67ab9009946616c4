#!/usr/bin/python3
"""tests/e2e/pyscard_eid.py READER [EID] — an unmodified Debian client (pyscard):
select the ISD-R, read the EID with GetEID, follow 61xx with GET RESPONSE, and
compare with EID when given. Run with /usr/bin/python3 (Debian's python3-pyscard)."""
import sys

from smartcard.util import toHexString

from pyscard_util import connect, transmit

ISDR = "A0000005591010FFFFFFFF8900000100"


def main():
    name = sys.argv[1]
    want = sys.argv[2].upper() if len(sys.argv) > 2 and sys.argv[2] else None
    conn = connect(name)
    if conn is None:
        return 1
    print("ATR", toHexString(conn.getATR()))
    data, sw1, sw2 = transmit(conn, "00A4040010" + ISDR, 0x00)
    print("SELECT ISD-R", toHexString(data), "%02X%02X" % (sw1, sw2))
    if (sw1, sw2) != (0x90, 0x00) or not data or data[0] != 0x6F:
        return 1
    data, sw1, sw2 = transmit(conn, "80E2910006BF3E035C015A", 0x80)
    print("GetEID", toHexString(data), "%02X%02X" % (sw1, sw2))
    if (sw1, sw2) != (0x90, 0x00) or data[:5] != [0xBF, 0x3E, 0x12, 0x5A, 0x10]:
        return 1
    eid = "".join("%02X" % b for b in data[5:21])
    print("EID", eid)
    conn.disconnect()
    if want and eid != want:
        print("expected EID", want)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
