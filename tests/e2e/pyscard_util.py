"""tests/e2e/pyscard_util.py — what the pyscard clients of the e2e tests share: connect to a
named PC/SC reader, send an APDU and follow 61xx with GET RESPONSE as a T=0 terminal does.
Debian's python3-pyscard (/usr/bin/python3)."""
from smartcard.System import readers
from smartcard.util import toBytes


def connect(name):
    """A connection to the card in reader `name`, or None (reason printed)."""
    r = [x for x in readers() if str(x) == name]
    if not r:
        print("reader %r not found in %s" % (name, [str(x) for x in readers()]))
        return None
    conn = r[0].createConnection()
    conn.connect()
    return conn


def transmit(conn, apdu_hex, cla_gr=0x00):
    """(data, sw1, sw2) of an APDU, 61xx answered with GET RESPONSE (class cla_gr)."""
    data, sw1, sw2 = conn.transmit(toBytes(apdu_hex))
    while sw1 == 0x61:
        more, sw1, sw2 = conn.transmit([cla_gr, 0xC0, 0x00, 0x00, sw2])
        data += more
    return data, sw1, sw2
