#!/usr/bin/env bash
# tests/e2e/kill_test.sh — power loss in the middle of a download, through PC/SC.
#
# euicc-emu (SGP.26 identity, a state folder) behind the private pcscd; a TS.48 profile
# is downloaded with tools/euicc-smdp and euicc-emu is killed with SIGKILL at a random
# moment within the download's duration (measured first with one clean download). Then
# euicc-emu restarts on the same state and, through PC/SC:
#   - the card comes back and answers GetProfilesInfo / ListNotification;
#   - at most one profile is enabled; every listed profile is complete: enable works
#     (disable works after it), and it can be deleted;
#   - notification seqNumbers are listed strictly increasing, none is listed twice, a seq
#     once seen never comes back with another event/ICCID, and a new one is larger than
#     every seq seen before (the counter never goes back);
#   - retrying the download succeeds, or, when the kill came after the commit (the
#     profile is listed), it reports installFailedDueToIccidAlreadyExistsOnEuicc.
# Each kill ends with the profile deleted and the notifications removed, so the next one
# starts from an empty card. KILL_COUNT kills (default 8), delays from bash's RANDOM
# seeded with KILL_SEED (printed; set it to reproduce a failure).
#
# Sourced by run_e2e.sh (uses its pass/fail/skip, $tmp, $build, $emu, $shared and
# pcsc_env.sh's emu_start/emu_stop with the private pcscd running): `kill_test`.
# Standalone: tests/e2e/kill_test.sh [BUILD_DIR]  (starts its own private pcscd).

kt_smdp=""
kt_out=""
kt_err=""
kt_state=""
kt_seen=""       # file: "seq event iccid" of every notification seen
kt_max_seq=0

kt() {   # kt ARGS... : euicc-smdp; output in $kt_out; returns its exit status
    timeout 30 "$kt_smdp" --sgp26 "$shared/sgp26" "$@" > "$kt_out" 2>&1
}

kt_expect() {   # kt_expect WHAT WANT_RC REGEX ARGS...
    local what=$1 want=$2 re=$3 rc=0
    shift 3
    kt "$@" || rc=$?
    if [ "$rc" != "$want" ] || ! grep -Eq -- "$re" "$kt_out"; then
        kt_err="$what: euicc-smdp $* (rc $rc, want $want, /$re/): $(tr '\n' ' ' < "$kt_out" | cut -c1-300)"
        return 1
    fi
}

# Notification invariants on the current list; records what was seen.
kt_check_notifications() {
    kt --notifications || { kt_err="ListNotification failed: $(cat "$kt_out")"; return 1; }
    local prev=-1 seq ev iccid old
    while read -r seq ev iccid _; do
        if [ "$seq" -le "$prev" ]; then
            kt_err="notification seq $seq listed after $prev (not strictly increasing)"
            return 1
        fi
        prev=$seq
        old=$(awk -v s="$seq" '$1 == s {print $2 " " $3; exit}' "$kt_seen")
        if [ -n "$old" ]; then
            if [ "$old" != "$ev $iccid" ]; then
                kt_err="notification seq $seq reused: was '$old', now '$ev $iccid'"
                return 1
            fi
        else
            if [ "$seq" -le "$kt_max_seq" ]; then
                kt_err="new notification seq $seq ($ev $iccid) not above the highest seen ($kt_max_seq)"
                return 1
            fi
            echo "$seq $ev $iccid" >> "$kt_seen"
            kt_max_seq=$seq
        fi
    done < <(grep -E '^[0-9]+ ' "$kt_out")
}

# Profile invariants: at most one enabled; each listed profile enables (and disables).
# Leaves every profile disabled; the ICCIDs listed go to kt_iccids.
kt_check_profiles() {
    kt_iccids=()
    kt --list || { kt_err="GetProfilesInfo failed: $(cat "$kt_out")"; return 1; }
    local n_enabled iccid state
    n_enabled=$(grep -Ec '^[0-9]+ [0-9A-F-]+ enabled ' "$kt_out" || true)
    [ "$n_enabled" -le 1 ] || { kt_err="$n_enabled profiles enabled"; return 1; }
    local lines
    lines=$(grep -E '^[0-9]+ ' "$kt_out" || true)
    while read -r iccid _ state _; do
        [ -n "$iccid" ] || continue
        kt_iccids+=("$iccid")
        if [ "$state" = enabled ]; then
            kt_expect "disable (was enabled)" 0 "^DisableProfile $iccid: ok$" --disable "$iccid" ||
                return 1
        fi
        kt_expect "enable listed profile" 0 "^EnableProfile $iccid: ok$" --enable "$iccid" ||
            return 1
        kt_expect "disable listed profile" 0 "^DisableProfile $iccid: ok$" --disable "$iccid" ||
            return 1
    done <<< "$lines"
}

# Delete every profile, remove every notification (after checking them).
kt_clean() {
    local iccid seq
    kt_check_profiles || return 1
    for iccid in "${kt_iccids[@]}"; do
        kt_expect "delete" 0 "^DeleteProfile $iccid: ok$" --delete "$iccid" || return 1
    done
    kt_check_notifications || return 1
    for seq in $(awk '/^[0-9]+ / {print $1}' "$kt_out"); do
        kt_expect "NotificationSent $seq" 0 "^NotificationSent $seq: ok$" --remove "$seq" ||
            return 1
    done
    kt --list && ! grep -Eq '^[0-9]' "$kt_out" || { kt_err="profiles left after clean-up"; return 1; }
}

kt_restart() {
    emu_start "$emu" "$kt_state" --identity "$shared/sgp26"
}

kt_sigkill() {
    if [ -n "$EMU_PID" ]; then
        kill -KILL "$EMU_PID" 2>/dev/null || true
        wait "$EMU_PID" 2>/dev/null || true
        EMU_PID=""
    fi
}

# One kill: download $1 (extra args after), SIGKILL after $kt_delay_ms, check, retry.
kt_one() {
    local upp=$1 dlpid rc=0 before after
    shift
    timeout 30 "$kt_smdp" --sgp26 "$shared/sgp26" "$@" --upp "$upp" > "$kt_out.dl" 2>&1 &
    dlpid=$!
    sleep "$(printf '%d.%03d' $((kt_delay_ms / 1000)) $((kt_delay_ms % 1000)))"
    kt_sigkill
    wait "$dlpid" 2>/dev/null || rc=$?
    kt_when="killed during the download"
    [ "$rc" = 0 ] && kt_when="killed after the download completed"
    # the card stays away for a while, as a real one after a power loss: pcscd polls the
    # vpcd reader every 400 ms and only powers the card up again after it saw it absent
    # (restarted at once, the new euicc-emu answers the next poll, pcscd sees no change
    # and keeps the card it lost in a transaction as removed: "No smart card inserted")
    sleep 1
    kt_restart
    # the card is back and lists its profiles
    kt_expect "card back after restart" 0 "" --wait 15 --list || return 1
    kt_check_notifications || return 1
    kt_check_profiles || return 1
    before=${#kt_iccids[@]}
    [ "$before" -le 1 ] || { kt_err="$before profiles listed (one download)"; return 1; }
    # retry the download
    if [ "$before" = 1 ]; then
        kt_expect "retry after commit" 1 \
            'errorReason installFailedDueToIccidAlreadyExistsOnEuicc\(9\)$' "$@" --upp "$upp" ||
            return 1
        kt_when="$kt_when, after the commit (profile listed, retry: iccidAlreadyExists)"
    else
        kt_expect "retry" 0 '^profile installed: ICCID [0-9]{19,20}, ' "$@" --upp "$upp" ||
            return 1
        kt_when="$kt_when, before the commit (retry installed)"
    fi
    kt --list || { kt_err="GetProfilesInfo failed after the retry"; return 1; }
    after=$(grep -Ec '^[0-9]+ ' "$kt_out" || true)
    [ "$after" = 1 ] || { kt_err="$after profiles listed after the retry"; return 1; }
    kt_clean
}

kill_test() {
    kt_smdp=$build/tools/euicc-smdp
    kt_out=$tmp/kill.out
    kt_state=$tmp/state-kill
    kt_seen=$tmp/kill.seen
    : > "$kt_seen"
    kt_max_seq=0
    local count=${KILL_COUNT:-8} seed=${KILL_SEED:-$(( $(date +%s%N) % 100000 ))}
    local dir=$shared/profiles/ts48 i t0 t1 dur_ms name ok=0 bad=0
    if [ ! -x "$kt_smdp" ]; then
        fail "kill test: $kt_smdp not built"
        return
    fi
    if [ ! -d "$shared/sgp26/eUICC" ]; then
        skip "kill test: SGP.26 identity not found at $shared/sgp26 (set EUICC_EMU_SHARED)"
        return
    fi
    local profiles=()
    [ -d "$dir" ] && profiles=("$dir"/*.der)
    if [ ${#profiles[@]} = 0 ] || [ ! -e "${profiles[0]}" ]; then
        skip "kill test: no TS.48 profiles in $dir (set EUICC_EMU_SHARED)"
        return
    fi
    echo "kill test: seed $seed, $count kills (reproduce: KILL_SEED=$seed KILL_COUNT=$count)"
    RANDOM=$seed
    kt_restart
    # one clean download once the card is up: its duration bounds the kill delays
    kt_err=""
    if ! kt_expect "card up" 0 "" --wait 15 --list; then
        fail "kill test: $kt_err"
        emu_stop || true
        return
    fi
    t0=$(date +%s%N)
    if ! kt_expect "clean download" 0 '^profile installed: ' --upp "${profiles[0]}"; then
        fail "kill test: $kt_err"
        emu_stop || true
        return
    fi
    t1=$(date +%s%N)
    dur_ms=$(( (t1 - t0) / 1000000 ))
    [ "$dur_ms" -ge 1 ] || dur_ms=1
    if ! kt_clean; then
        fail "kill test: clean-up after the clean download: $kt_err"
        emu_stop || true
        return
    fi
    for ((i = 1; i <= count; i++)); do
        local upp=${profiles[$(( i % ${#profiles[@]} ))]} rsk=()
        name=$(basename "$upp" .der)
        [ $((i % 2)) = 1 ] && rsk=(--rsk)
        kt_delay_ms=$(( (RANDOM * 32768 + RANDOM) % dur_ms ))
        kt_err=""
        kt_when=""
        if kt_one "$upp" "${rsk[@]}"; then
            pass "kill $i/$count: $name${rsk:+ (rsk)} SIGKILL at ${kt_delay_ms} of ${dur_ms} ms: $kt_when; invariants hold"
            ok=$((ok + 1))
        else
            fail "kill $i/$count: $name${rsk:+ (rsk)} SIGKILL at ${kt_delay_ms} of ${dur_ms} ms (seed $seed): ${kt_when:+$kt_when: }$kt_err"
            bad=$((bad + 1))
            sed 's/^/    | /' "$kt_out.dl" 2>/dev/null | head -5 || true
            tail -5 "$PCSC_TMP/emu.log" 2>/dev/null | sed 's/^/    | emu: /' || true
            # start the next kill from a running card
            kt_sigkill
            kt_restart
            kt_clean > /dev/null 2>&1 || true
        fi
    done
    echo "kill test: seed $seed: $ok of $count kills passed, $bad failed"
    emu_stop || true
}

# ---- standalone ----
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    repo=$(cd "$here/../.." && pwd)
    build=${1:-$repo/build-test}
    case $build in /*) ;; *) build=$repo/$build ;; esac
    emu=$build/vicc/euicc-emu
    shared=${EUICC_EMU_SHARED:-$repo/../shared}
    [ -x "$emu" ] || { echo "kill test: $emu not built" >&2; exit 1; }
    # shellcheck source=pcsc_env.sh
    . "$here/pcsc_env.sh"
    tmp=$(mktemp -d /tmp/euicc-kill.XXXXXX)
    trap 'pcsc_private_stop; rm -rf "$tmp"' EXIT
    trap 'exit 130' INT TERM
    passed=0 failed=0 skipped=0
    pass() { echo "PASS $*"; passed=$((passed + 1)); }
    fail() { echo "FAIL $*"; failed=$((failed + 1)); }
    skip() { echo "SKIP $*"; skipped=$((skipped + 1)); }
    pcsc_private_start "$tmp/pcsc" || { echo "kill test: no private pcscd" >&2; exit 1; }
    kill_test
    pcsc_private_stop
    if grep -q "ERROR: AddressSanitizer\|runtime error:" "$tmp/pcsc/emu.log" 2>/dev/null; then
        fail "sanitizer reports in euicc-emu's log"
        sed 's/^/    | /' "$tmp/pcsc/emu.log" | head -50
    fi
    echo "kill test: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" = 0 ]
fi
