# tests/e2e/sim_e2e.sh — sourced by run_e2e.sh after download_e2e.sh (uses pass/fail/skip,
# $tmp, $build, $emu, $shared, pcsc_env.sh's emu_start/emu_stop and download_e2e.sh's
# dl/dl_expect/dl_install).
#
# sim_e2e: a fresh euicc-emu with the SGP.26 identity; TS48V1-A-UNIQUE downloaded and
# enabled with tools/euicc-smdp through PC/SC; then tests/e2e/pcsc_sim, a T=0 terminal
# (61xx + GET RESPONSE), reads EF.ICCID and EF.IMSI and runs AUTHENTICATE through pcscd.
# The expected ICCID (EF coding) and IMSI come from the UPP itself (a small DER walk
# here: header PE iccid, usim PE ef-imsi fillFileContent); K = 000102..0F (TS.48).
#
# sim_preload_e2e: the same profile installed by `euicc-emu --preload` (no download), enabled
# through PC/SC with euicc-smdp --enable, then the same terminal checks.
#
# csim_e2e: the project's own CDMA profile (profiles/full-csim.tlv, no ../shared needed)
# preloaded and enabled the same way; tests/e2e/pyscard_csim.py then selects ADF.CSIM and
# reads its template-built files through pcscd with pyscard.

# sim_upp_values UPP: prints "ICCID_EF_HEX IMSI_HEX ICCID_DIGITS" from the UPP's header and
# usim PEs
sim_upp_values() {
    python3 - "$1" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
def tlvs(b):
    i = 0
    while i < len(b):
        t = b[i]; i += 1
        if t & 0x1F == 0x1F:
            while b[i] & 0x80: t = t << 8 | b[i]; i += 1
            t = t << 8 | b[i]; i += 1
        n = b[i]; i += 1
        if n & 0x80:
            k = n & 0x7F; n = int.from_bytes(b[i:i + k], 'big'); i += k
        yield t, b[i:i + n]; i += n
iccid = imsi = digits = None
for t, v in tlvs(d):
    if t == 0xA0 and iccid is None:
        raw = dict(tlvs(v))[0x83]
        digits = raw.hex().upper().rstrip('F')
        iccid = bytes((x << 4 & 0xF0) | (x >> 4) for x in raw).hex().upper()
    if t == 0xB3:
        imsi = dict(tlvs(dict(tlvs(v))[0xA3]))[0x83].hex().upper()
print(iccid, imsi, digits)
PY
}

# sim_terminal CLIENT ICCID IMSI LABEL: the T=0 terminal checks on the enabled profile
sim_terminal() {
    if "$1" --reader "$PCSC_READER" --wait 15 --iccid "$2" --imsi "$3" \
           --k 000102030405060708090A0B0C0D0E0F > "$tmp/pcsc_sim.out" 2>&1; then
        pass "$4: T=0 terminal through pcscd: EF.ICCID $2, EF.IMSI $3, AUTHENTICATE" \
             "($(grep -c '^PASS' "$tmp/pcsc_sim.out") checks)"
    else
        fail "$4: T=0 terminal through pcscd"
        sed 's/^/    | /' "$tmp/pcsc_sim.out"
    fi
}

sim_e2e() {
    local upp=$shared/profiles/ts48/TS48V1-A-UNIQUE.der client=$build/tests/e2e/pcsc_sim
    local vals iccid imsi
    dl_smdp=$build/tools/euicc-smdp
    dl_out=$tmp/sim.out
    if [ ! -x "$client" ] || [ ! -x "$dl_smdp" ]; then
        fail "sim: $client or $dl_smdp not built"
        return
    fi
    if [ ! -f "$upp" ] || [ ! -d "$shared/sgp26/eUICC" ]; then
        skip "sim: $upp or the SGP.26 identity not found (set EUICC_EMU_SHARED)"
        return
    fi
    vals=$(sim_upp_values "$upp") || { fail "sim: cannot read $upp"; return; }
    read -r iccid imsi _ <<< "$vals"
    emu_start "$emu" "$tmp/state-sim" --identity "$shared/sgp26"
    dl_err=""
    if dl_install "$upp" --wait 15 &&
       dl_expect "enable" 0 "^EnableProfile $dl_iccid: ok$" --enable "$dl_iccid"; then
        pass "sim: TS48V1-A-UNIQUE downloaded and enabled through PC/SC"
        sim_terminal "$client" "$iccid" "$imsi" "sim"
    else
        fail "sim: download/enable: $dl_err"
        sed 's/^/    | /' "$dl_out"
    fi
    emu_stop || true
}

sim_preload_e2e() {
    local upp=$shared/profiles/ts48/TS48V1-A-UNIQUE.der client=$build/tests/e2e/pcsc_sim
    local vals iccid imsi digits
    dl_smdp=$build/tools/euicc-smdp
    dl_out=$tmp/sim_preload.out
    if [ ! -x "$client" ] || [ ! -x "$dl_smdp" ]; then
        fail "sim-preload: $client or $dl_smdp not built"
        return
    fi
    if [ ! -f "$upp" ]; then
        skip "sim-preload: $upp not found (set EUICC_EMU_SHARED)"
        return
    fi
    vals=$(sim_upp_values "$upp") || { fail "sim-preload: cannot read $upp"; return; }
    read -r iccid imsi digits <<< "$vals"
    emu_start "$emu" "$tmp/state-sim-preload" --preload "$upp"
    dl_err=""
    if dl_expect "enable" 0 "^EnableProfile $digits: ok$" --wait 15 --enable "$digits"; then
        pass "sim-preload: TS48V1-A-UNIQUE preloaded (--preload) and enabled through PC/SC"
        sim_terminal "$client" "$iccid" "$imsi" "sim-preload"
    else
        fail "sim-preload: enable after --preload: $dl_err"
        sed 's/^/    | /' "$dl_out"
    fi
    emu_stop || true
}

csim_e2e() {
    local upp=$build/profiles/full-csim.der client=$here/pyscard_csim.py
    dl_smdp=$build/tools/euicc-smdp
    dl_out=$tmp/csim.out
    if [ ! -f "$upp" ] || [ ! -x "$dl_smdp" ]; then
        fail "csim: $upp or $dl_smdp not built"
        return
    fi
    if ! /usr/bin/python3 -c 'import smartcard' 2>/dev/null; then
        skip "csim: python3-pyscard not installed"
        return
    fi
    emu_start "$emu" "$tmp/state-csim" --preload "$upp"
    dl_err=""
    if dl_expect "enable" 0 "^EnableProfile 8988299000000000051: ok$" --wait 15 \
           --enable 8988299000000000051; then
        if /usr/bin/python3 "$client" "$PCSC_READER" > "$tmp/csim_client.out" 2>&1; then
            pass "csim: full-csim preloaded, enabled; ADF.CSIM through pcscd with pyscard" \
                 "($(grep -c '^PASS' "$tmp/csim_client.out") checks)"
        else
            fail "csim: ADF.CSIM through pcscd"
            sed 's/^/    | /' "$tmp/csim_client.out"
        fi
    else
        fail "csim: enable after --preload: $dl_err"
        sed 's/^/    | /' "$dl_out"
    fi
    emu_stop || true
}
