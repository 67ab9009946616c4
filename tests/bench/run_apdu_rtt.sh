#!/usr/bin/env bash
# tests/bench/run_apdu_rtt.sh [BUILD_DIR] [COUNT] — APDU round trip through a private
# pcscd + vpcd (see tests/e2e/pcsc_env.sh) to a fresh euicc-emu; prints the
# median/p90/p99/min in microseconds. A benchmark, not a test. For numbers that mean
# something use a build without sanitizers (default: build/, as run.sh makes it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
count=${2:-2000}
case $build in /*) ;; *) build=$repo/$build ;; esac
for f in "$build/vicc/euicc-emu" "$build/tests/bench/apdu_rtt"; do
    [ -x "$f" ] || { echo "run_apdu_rtt: $f not built (ninja -C $build)" >&2; exit 1; }
done

# shellcheck source=../e2e/pcsc_env.sh
. "$repo/tests/e2e/pcsc_env.sh"
tmp=$(mktemp -d /tmp/euicc-bench.XXXXXX)
cleanup() { pcsc_private_stop; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

pcsc_private_start "$tmp/pcsc"
emu_start "$build/vicc/euicc-emu" "$tmp/state"
"$build/tests/bench/apdu_rtt" --reader "$PCSC_READER" --wait 15 -n "$count"
