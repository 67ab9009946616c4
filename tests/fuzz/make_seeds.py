#!/usr/bin/env python3
"""Write the committed seed corpus of the fuzz targets. The hand-written sessions are
byte-for-byte reproducible (the APDUs real clients send, REFERENCE §A).
The complete-download seeds of the `card` and `bpp` targets are recorded by the C program
make_card_seeds (tests/fuzz/seeds/) against the fuzz target's own card; the card's side
replays exactly, the SM-DP+'s randomness (its signatures, its one-time key) is fresh on
every recording, so re-recording changes those octets but the seeds stay valid:
    tests/fuzz/make_seeds.py [BUILD_DIR]      (default build-test, then build)"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ISDR = "A0000005591010FFFFFFFF8900000100"


def frames(*apdus):
    """vpcd framing: 2-byte length + payload; 'on'/'off'/'reset' are power events."""
    out = b""
    for a in apdus:
        p = {"off": b"\x00", "on": b"\x01", "reset": b"\x02"}.get(a)
        if p is None:
            p = bytes.fromhex(a)
        out += len(p).to_bytes(2, "big") + p
    return out


def tlv(tag, value_hex):
    """DER TLV as hex (tag given as hex text)."""
    v = bytes.fromhex(value_hex)
    n = len(v)
    ln = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return tag + ln.hex().upper() + v.hex().upper()


def get_responses(n=4, cla="81"):
    return [cla + "C0000000"] * n


def store_data(cla, do_hex, block=120):
    do = bytes.fromhex(do_hex)
    blocks = [do[i:i + block] for i in range(0, len(do), block)] or [b""]
    out = []
    for i, b in enumerate(blocks):
        p1 = "91" if i == len(blocks) - 1 else "11"
        out.append(f"{cla}E2{p1}{i:02X}{len(b):02X}" + b.hex())
        if p1 == "91":
            out += get_responses(3, cla)
    return out


CARD = {
    "lpac_chip_info": frames(
        "on", "80AA00000AA9088100820101830107", "0070000001",
        "01A4040010" + ISDR, *get_responses(1),
        *store_data("81", "BF3E035C015A"), *store_data("81", "BF3C00"),
        *store_data("81", "BF4300"), *store_data("81", "BF2200"),
        *store_data("81", "BF2000"), *store_data("81", "BF2D00"),
        *store_data("81", "BF2800"), *store_data("81", "BF2B00"),
        "0070800100", "off"),
    "ipa_poll": frames(
        "80AA000005A903830107", "0070000100", "01A4040410" + ISDR, "01C0000000",
        *store_data("81", "BF3E035C015A", 255), *store_data("81", "BF2E00", 255),
        *store_data("81", "BF2B05A003800101", 255), *store_data("81", "BF3003800101", 255)),
    "pysim_probe": frames(
        "00A40004023F00", "00C0000000", "00A40004022F00", "reset",
        "00A4040410" + ISDR + "00", "00C0000000", "80E2910003BF560000",
        "reset", "00A4040410" + ISDR + "00", "80E2910006BF3E035C015A00", "80C0000000",
        *store_data("80", tlv("BF29", tlv("5A", "98944499999999903000") + tlv("90", b"desk".hex()))),
        *store_data("80", "BF3403820180")),
    "setters": frames(
        "00A4040010" + ISDR, *store_data("80", tlv("BF3F", tlv("80", b"smdp.example.com".hex()))),
        *store_data("80", "BF3C00"), *store_data("80", "BF3406820205E0"),
        *store_data("80", tlv("BF2D", tlv("A0", tlv("5A", "98944499999999903000")) + tlv("5C", "5A4F9F7090919295"))),
        *store_data("80", tlv("BF2B", tlv("A0", tlv("80", "01")))),
        *store_data("80", tlv("BF30", tlv("80", "01")))),
}

TLV = {
    "geteid": bytes.fromhex("BF3E035C015A"),
    "euiccinfo2_fragment": bytes.fromhex(tlv("BF22", tlv("81", "020301") + tlv("A9", tlv("04", "0102030405")))),
}

def record_downloads(build_dirs):
    """Run make_card_seeds from the first build dir that has it (needs ../shared): the
    `card` target's recorded sessions and (--bpp) the `bpp` target's piece lists."""
    import subprocess
    root = os.path.dirname(os.path.dirname(HERE))
    for b in build_dirs:
        exe = os.path.join(root, b, "tests", "fuzz", "seeds", "make_card_seeds")
        if os.access(exe, os.X_OK):
            env = dict(os.environ)
            env.setdefault("EUICC_EMU_SHARED", os.path.join(root, "..", "shared"))
            subprocess.run([exe, os.path.join(HERE, "corpus", "card")], check=True, env=env)
            # the `bpp` target's seeds: complete downloads as its piece lists
            bpp = os.path.join(HERE, "corpus", "bpp")
            os.makedirs(bpp, exist_ok=True)
            subprocess.run([exe, "--bpp", bpp], check=True, env=env)
            return
    print("make_seeds: make_card_seeds not built; download seeds left as they are")


def main():
    vicc = {
        "power_atr_apdu": frames("on", "04", "00A4040010" + ISDR, "00C0000000", "reset", "off"),
        "lpac_chip_info": CARD["lpac_chip_info"],
    }
    iccid = "98944499999999903000"
    es10 = {
        "get_eid": bytes.fromhex("BF3E035C015A"),
        "info1": bytes.fromhex("BF2000"), "info2": bytes.fromhex("BF2200"),
        "addresses": bytes.fromhex("BF3C00"),
        "set_dp": bytes.fromhex(tlv("BF3F", tlv("80", b"smdp.example.com".hex()))),
        "profiles": bytes.fromhex(tlv("BF2D", tlv("A0", tlv("5A", iccid)) + tlv("5C", "5A4F9F70"))),
        "nickname": bytes.fromhex(tlv("BF29", tlv("5A", iccid) + tlv("90", b"x".hex()))),
        "reset": bytes.fromhex("BF3404820205E0"),
        "list_notif": bytes.fromhex(tlv("BF28", tlv("81", "0780"))),
        "retrieve": bytes.fromhex(tlv("BF2B", tlv("A0", tlv("80", "01")))),
        "sent": bytes.fromhex(tlv("BF30", tlv("80", "01"))),
        "rat": bytes.fromhex("BF4300"),
        "enable": bytes.fromhex(tlv("BF31", tlv("A0", tlv("5A", iccid)) + tlv("81", "FF"))),
        "disable": bytes.fromhex(tlv("BF32", tlv("A0", tlv("4F", "A0000005591010FFFFFFFF8900001000")) + tlv("81", "00"))),
        "delete": bytes.fromhex(tlv("BF33", tlv("5A", iccid))),
        "cancel": bytes.fromhex(tlv("BF41", tlv("80", "00" * 16) + tlv("81", "01"))),
        "auth": bytes.fromhex(tlv("BF38", tlv("30", tlv("80", "00" * 16) + tlv("81", "00" * 16) + tlv("83", b"a.b".hex()) + tlv("84", "00" * 16)) + tlv("5F37", "00" * 64) + tlv("04", "F54172BDF98A95D65CBEB88A38A1C11D800A85C3") + tlv("30", "") + tlv("A0", tlv("A1", tlv("80", "35290611") + tlv("A1", ""))))),
        "prepare": bytes.fromhex(tlv("BF21", tlv("30", tlv("80", "00" * 16) + tlv("01", "00")) + tlv("5F37", "00" * 64) + tlv("30", ""))),
        "bpp_start": bytes.fromhex("BF36820100" + tlv("BF23", tlv("82", "01") + tlv("80", "00" * 16))),
    }
    iot = {
        "get_eim_config": bytes.fromhex("BF5500"),
        "get_eim_config_v12": bytes.fromhex(tlv("BF55", tlv("A0", tlv("80", b"eIM".hex())))),
        "get_certs": bytes.fromhex("BF5600"),
        "retrieve_epr": bytes.fromhex(tlv("BF2B", tlv("A0", tlv("82", "")))),
        "memory_reset_v12": bytes.fromhex(tlv("BF64", tlv("82", "0260"))),
        "memory_reset_v10": bytes.fromhex(tlv("BF34", tlv("82", "0318"))),
        "immediate_enable": bytes.fromhex(tlv("BF5A", tlv("80", "00"))),
        "configure_immediate": bytes.fromhex(tlv("BF59", tlv("80", ""))),
        "rollback": bytes.fromhex(tlv("BF58", tlv("80", "00"))),
        "connectivity": bytes.fromhex("BF5F00"),
        "info2": bytes.fromhex("BF2200"),
    }
    for target, seeds in (("card", CARD), ("tlv", TLV), ("vicc", vicc), ("es10", es10), ("iot", iot)):
        d = os.path.join(HERE, "corpus", target)
        os.makedirs(d, exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    record_downloads(sys.argv[1:] or ["build-test", "build"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
