#!/usr/bin/env bash
# test.sh — the one test command (CI runs it through .ci/run).
#
# On Debian 12 (root or sudo): installs missing packages, builds with ASan+UBSan in
# build-test/, runs the unit tests (meson test), then the end-to-end tests through a
# private pcscd + vpcd (tests/e2e/run_e2e.sh), the static checks (clang-tidy, cppcheck:
# tests/static/run.sh), the constant-time check under valgrind (tests/ct/run.sh), then
# every fuzz target for a bounded
# smoke time (FUZZ_SECONDS, default 20; 0 skips). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

. .ci/deps.sh
install_deps

build=build-test
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false
fi
ninja -C "$build"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

log=$(mktemp /tmp/euicc-test.XXXXXX)
trap 'rm -f "$log"' EXIT

unit_rc=0
meson test -C "$build" --print-errorlogs 2>&1 | tee "$log" || unit_rc=$?
unit_ok=$(awk '/^Ok:/ {print $2}' "$log" | tail -1)
unit_fail=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $NF} END {print s + 0}' "$log")
unit_skip=$(awk '/^Skipped:/ {print $2}' "$log" | tail -1)

static_rc=0
tests/static/run.sh "$build" 2>&1 | tee "$log" || static_rc=$?

ct_rc=0
tests/ct/run.sh 2>&1 | tee "$log" || ct_rc=$?

e2e_rc=0
bash tests/e2e/run_e2e.sh "$build" 2>&1 | tee "$log" || e2e_rc=$?
e2e_line=$(grep -E '^e2e: [0-9]+ passed' "$log" | tail -1 || true)
e2e_ok=$(echo "$e2e_line" | sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1/p')
e2e_fail=$(echo "$e2e_line" | sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\2/p')
e2e_skip=$(echo "$e2e_line" | sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\3/p')
if [ "$e2e_rc" != 0 ] && [ "${e2e_fail:-0}" = 0 ]; then
    e2e_fail=1   # the script died before its summary
fi

fuzz_rc=0
fuzz_ok=0
fuzz_fail=0
if [ "${FUZZ_SECONDS:-20}" != 0 ]; then
    FUZZ_SECONDS=${FUZZ_SECONDS:-20} tests/fuzz/run.sh 2>&1 | tee "$log" || fuzz_rc=$?
    fuzz_ok=$(grep -c '^fuzz .*: ok' "$log" || true)
    fuzz_fail=$(grep -c '^fuzz .*: FAILED' "$log" || true)
    if [ "$fuzz_rc" != 0 ] && [ "$fuzz_fail" = 0 ]; then
        fuzz_fail=1   # the build or the script failed
    fi
fi

echo
echo "unit tests (meson, ASan+UBSan): ${unit_ok:-0} ok, $unit_fail failed, ${unit_skip:-0} skipped"
echo "end-to-end (pcscd + vpcd):      ${e2e_ok:-0} ok, ${e2e_fail:-0} failed, ${e2e_skip:-0} skipped"
echo "fuzz smoke (libFuzzer):         $fuzz_ok ok, $fuzz_fail failed"
echo "static checks (tidy, cppcheck): $([ "$static_rc" = 0 ] && echo ok || echo FAILED)"
echo "constant time (valgrind):       $([ "$ct_rc" = 0 ] && echo ok || echo FAILED)"
total_ok=$(( ${unit_ok:-0} + ${e2e_ok:-0} + fuzz_ok ))
total_fail=$(( unit_fail + ${e2e_fail:-0} + fuzz_fail + (static_rc != 0) + (ct_rc != 0) ))
if [ "$unit_rc" != 0 ] && [ "$total_fail" = 0 ]; then
    total_fail=1   # meson failed without a counted test failure (e.g. build error)
fi
echo "summary: $total_ok passed, $total_fail failed, $(( ${unit_skip:-0} + ${e2e_skip:-0} )) skipped"
[ "$unit_rc" = 0 ] && [ "$e2e_rc" = 0 ] && [ "$fuzz_rc" = 0 ] && [ "$static_rc" = 0 ] && [ "$ct_rc" = 0 ]
