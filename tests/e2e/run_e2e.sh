#!/usr/bin/env bash
# tests/e2e/run_e2e.sh BUILD_DIR — end-to-end tests through a real pcscd + vpcd.
#
# A private pcscd (own socket, own TCP port; see pcsc_env.sh) with the vpcd reader,
# euicc-emu connected to it, and real PC/SC clients:
#   (a) tests/e2e/lpac_chip_info: lpac's `chip info`, an SGP.32 IPAd, pySim-shell start-up
#   (b) the same with --identity ../shared/sgp26 (GSMA SGP.26 test eUICC), SKIP when absent
#   (c) unmodified Debian clients: opensc-tool, pyscard (/usr/bin/python3)
#   (d) profile download and life cycle with tools/euicc-smdp for every TS.48 profile
#       in ../shared/profiles/ts48 (download_e2e.sh), SKIP when absent
#   (e) euicc-emu killed (SIGKILL) at random moments of downloads, restarted on its
#       state: profiles complete, one enabled at most, notification seqs sound, the
#       retry succeeds (kill_test.sh; KILL_SEED reproduces), SKIP when ../shared absent
#   (f) TS48V1-A downloaded and enabled, then a T=0 terminal (tests/e2e/pcsc_sim) reads
#       EF.ICCID / EF.IMSI and runs AUTHENTICATE through pcscd; the own full-csim profile
#       preloaded, ADF.CSIM read with pyscard (sim_e2e.sh)
#   (g) an SGP.32 IoT card (--mode iot) managed by tools/euicc-eim: AddInitialEim, signed
#       PSMOs/eCOs with verified results, the local-management guard, stored results
#       and NotificationSent; a consumer card refuses the IoT functions (iot_e2e.sh),
#       SKIP when ../shared absent
#   plus: persistent state survives a restart; the command line's error messages;
#   the --stdio front end.
# Prints one line per test and "e2e: N passed, N failed, N skipped"; exits 1 on failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build-test}
case $build in /*) ;; *) build=$repo/$build ;; esac
emu=$build/vicc/euicc-emu
client=$build/tests/e2e/lpac_chip_info
shared=${EUICC_EMU_SHARED:-$repo/../shared}
isdr_aid=A0000005591010FFFFFFFF8900000100

for f in "$emu" "$client"; do
    [ -x "$f" ] || { echo "e2e: $f not built" >&2; exit 1; }
done

# shellcheck source=pcsc_env.sh
. "$here/pcsc_env.sh"
# shellcheck source=download_e2e.sh
. "$here/download_e2e.sh"
# shellcheck source=kill_test.sh
. "$here/kill_test.sh"
# shellcheck source=sim_e2e.sh
. "$here/sim_e2e.sh"
# shellcheck source=iot_e2e.sh
. "$here/iot_e2e.sh"

tmp=$(mktemp -d /tmp/euicc-e2e.XXXXXX)
cleanup() {
    pcsc_private_stop
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0 failed=0 skipped=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP $*"; skipped=$((skipped + 1)); }

# run NAME CMD... : a test whose output is kept in $tmp/NAME.out and shown on failure
run() {
    local name=$1
    shift
    if "$@" > "$tmp/$name.out" 2>&1; then
        pass "$name"
    else
        fail "$name"
        sed 's/^/    | /' "$tmp/$name.out"
    fi
}

# ---- command line (no pcscd needed) ----
cli_expect() {   # cli_expect NAME EXPECTED_RC REGEX ARGS...
    local name=$1 want=$2 re=$3 rc=0
    shift 3
    "$emu" "$@" > "$tmp/cli.out" 2>&1 < /dev/null || rc=$?
    if [ "$rc" = "$want" ] && grep -Eq -- "$re" "$tmp/cli.out"; then
        pass "cli: $name"
    else
        fail "cli: $name (rc $rc, want $want; output below)"
        sed 's/^/    | /' "$tmp/cli.out"
    fi
}
cli_expect "--version" 0 '^euicc-emu [0-9]' --version
cli_expect "--help" 0 'Usage: euicc-emu' --help
cli_expect "unknown option" 2 "unknown option '--bogus'" --bogus
cli_expect "missing argument" 2 "option '--state' needs an argument" --state
cli_expect "bad HOST:PORT" 2 "bad vpcd address 'localhost'" --vpcd localhost
cli_expect "bad port" 2 "port must be a number" --vpcd 127.0.0.1:99999
cli_expect "bad mode" 2 "--mode must be" --mode phone
cli_expect "unreadable identity" 1 "cannot read identity directory $tmp/nope" --state "$tmp/s0" --identity "$tmp/nope"
cli_expect "unreadable CI" 1 "cannot read CI certificate $tmp/nope.der" --state "$tmp/s0" --ci "$tmp/nope.der"

# ---- --stdio front end ----
stdio_test() {
    local out
    out=$(printf 'atr\n00A4040010%s\n00C0000000\n80E2910006BF3E035C015A\n80C0000000\n' "$isdr_aid" |
          "$emu" --state "$tmp/stdio-state" --stdio)
    echo "$out"
    [ "$(echo "$out" | wc -l)" = 5 ] &&
    echo "$out" | sed -n 1p | grep -Eq '^3B[0-9A-F]+$' &&
    echo "$out" | sed -n 2p | grep -Eq '^61[0-9A-F]{2}$' &&
    echo "$out" | sed -n 3p | grep -Eq '^6F[0-9A-F]+9000$' &&
    echo "$out" | sed -n 5p | grep -Eq '^BF3E125A10[0-9]{32}9000$'
}
run "stdio: SELECT ISD-R and GetEID" stdio_test

# ---- through pcscd ----
if ! pcsc_private_start "$tmp/pcsc"; then
    fail "private pcscd could not be started"
    echo "e2e: $passed passed, $failed failed, $skipped skipped"
    exit 1
fi
echo "e2e: private pcscd pid $PCSC_PID, vpcd port $PCSC_PORT, socket $PCSCLITE_CSOCK_NAME"

# (a) generated identity
emu_start "$emu" "$tmp/state-a"
run "card appears in '$PCSC_READER'" "$client" --reader "$PCSC_READER" --wait 15 --passes connect
run "lpac chip info + IPA + pySim sequences" "$client" --reader "$PCSC_READER" --wait 5
eid=$(sed -n 's/^EID \([0-9A-F]\{32\}\)$/\1/p' "$tmp/lpac chip info + IPA + pySim sequences.out" | head -1)

# (c) unmodified Debian clients
if command -v opensc-tool > /dev/null; then
    opensc_test() {
        local out
        out=$(opensc-tool -r "$PCSC_READER" -s "00A4040010${isdr_aid}00" \
                          -s 80E2910006BF3E035C015A00 2>&1) || { echo "$out"; return 1; }
        echo "$out"
        # opensc follows 61xx itself; the EID arrives as "BF 3E 12 5A 10 …"
        echo "$out" | grep -v '^Sending' | sed -E 's/^(([0-9A-F]{2} )+).*/\1/' | tr -d ' \n' |
            grep -q "BF3E125A10${eid}"
    }
    if [ -n "$eid" ]; then
        run "opensc-tool: SELECT ISD-R, GetEID" opensc_test
    else
        fail "opensc-tool: no EID from the previous test to compare with"
    fi
else
    skip "opensc-tool not installed (apt-get install opensc)"
fi
if /usr/bin/python3 -c 'import smartcard' 2> /dev/null; then
    run "pyscard: SELECT ISD-R, GetEID" /usr/bin/python3 "$here/pyscard_eid.py" "$PCSC_READER" "$eid"
else
    skip "pyscard not installed for /usr/bin/python3 (apt-get install python3-pyscard)"
fi

# persistent state survives a restart
emu_stop || true
emu_start "$emu" "$tmp/state-a"
if [ -n "$eid" ]; then
    run "same EID after euicc-emu restart" "$client" --reader "$PCSC_READER" --wait 15 --passes lpac --eid "$eid"
else
    fail "same EID after restart: no EID from the first run"
fi
# a clean stop on SIGTERM
stop_test() { emu_stop; }
run "euicc-emu exits 0 on SIGTERM" stop_test

# (b) the GSMA SGP.26 test eUICC
if [ -d "$shared/sgp26/eUICC" ]; then
    emu_start "$emu" "$tmp/state-b" --identity "$shared/sgp26"
    run "SGP.26 identity: EID and CI PKIDs" "$client" --reader "$PCSC_READER" --wait 15 \
        --eid 89049032123451234512345678901235 \
        --pkid F54172BDF98A95D65CBEB88A38A1C11D800A85C3 \
        --pkid C0BC70BA36929D43B467FF57570530E57AB8FCD8
    emu_stop || true
else
    skip "SGP.26 identity: $shared/sgp26 not found (set EUICC_EMU_SHARED)"
fi

# (d) profile download and life cycle through PC/SC
download_e2e

# (g) SGP.32 IoT mode through tools/euicc-eim
iot_e2e

# (f) the enabled TS.48 profile as a SIM: EF.ICCID, EF.IMSI, AUTHENTICATE over T=0
sim_e2e
sim_preload_e2e
csim_e2e

# (e) power loss during downloads
kill_test

pcsc_private_stop
if grep -q "ERROR: AddressSanitizer\|runtime error:" "$tmp/pcsc/emu.log" 2>/dev/null; then
    fail "sanitizer reports in euicc-emu's log"
    sed 's/^/    | /' "$tmp/pcsc/emu.log" | head -50
else
    pass "no sanitizer reports in euicc-emu's log"
fi
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
