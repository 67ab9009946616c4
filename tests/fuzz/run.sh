#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan+UBSan) and run each one.
#   tests/fuzz/run.sh                 smoke: every target for $FUZZ_SECONDS (default 30) s
#   tests/fuzz/run.sh -t card -s 3600 -j 2   one target, one hour, 2 parallel workers
# New corpus entries go to build-fuzz/corpus/<target> (the committed seeds in
# tests/fuzz/corpus/<target> are read, never written). Crashes land in
# build-fuzz/crashes/<target>/ and reproduce with: build-fuzz/tests/fuzz/fuzz_<target> FILE
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-30}
# the libFuzzer build directory (FUZZ_BUILD: another one, e.g. a helper's own copy)
bdir=${FUZZ_BUILD:-build-fuzz}
# the card target imports the SGP.26 identity from here when present (download seeds)
export EUICC_EMU_SHARED=${EUICC_EMU_SHARED:-$PWD/../shared}
jobs=1
only=""
while getopts "t:s:j:" o; do
  case $o in
    t) only=$OPTARG ;;
    s) seconds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    *) echo "usage: $0 [-t target] [-s seconds] [-j jobs]" >&2; exit 2 ;;
  esac
done
if [ ! -d "$bdir" ]; then
  CC=clang meson setup "$bdir" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
# only the fuzz targets: the other programs of an instrumented build are not needed here
# (and the project's own profiles, seeds of the ppi target)
ninja -C "$bdir" $(ninja -C "$bdir" -t targets all |
                   grep -oE '^(tests/fuzz/fuzz_[a-z0-9_]*|profiles/[a-z0-9-]*\.der):' |
                   tr -d : | sort -u) >/dev/null
status=0
for bin in "$bdir"/tests/fuzz/fuzz_*; do
  [ -f "$bin" ] && [ -x "$bin" ] || continue
  t=${bin##*/fuzz_}
  [ -n "$only" ] && [ "$t" != "$only" ] && continue
  mkdir -p "$bdir/corpus/$t" "$bdir/crashes/$t"
  seeds=tests/fuzz/corpus/$t
  # seeds read from ../shared when present (never copied into the repository)
  extra=()
  case $t in
    ppi) extra=("$bdir/profiles")
         [ -d "$EUICC_EMU_SHARED/profiles/ts48" ] && extra+=("$EUICC_EMU_SHARED/profiles/ts48") ;;
    iot) [ -d "$EUICC_EMU_SHARED/vectors/sgp32" ] && extra=("$EUICC_EMU_SHARED/vectors/sgp32") ;;
    x509) [ -d "$EUICC_EMU_SHARED/sgp26/DPauth" ] && extra=("$EUICC_EMU_SHARED/sgp26/DPauth" "$EUICC_EMU_SHARED/sgp26/DPpb") ;;
  esac
  dict=(); [ -f "tests/fuzz/dict/$t.dict" ] && dict=(-dict="tests/fuzz/dict/$t.dict")
  log=$bdir/fuzz_$t.log
  args=(-max_total_time="$seconds" -artifact_prefix="$bdir/crashes/$t/" -print_final_stats=1 "${dict[@]}")
  if [ "$jobs" -gt 1 ]; then args+=(-fork="$jobs"); fi
  if "$bin" "${args[@]}" "$bdir/corpus/$t" $( [ -d "$seeds" ] && echo "$seeds" ) "${extra[@]}" >"$log" 2>&1; then
    execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
    rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
    echo "fuzz $t: ok, ${execs:-?} runs in ${seconds}s, ${rate:-?} exec/s"
  else
    echo "fuzz $t: FAILED — see $log; reproduce with: $bin $bdir/crashes/$t/<file>"
    tail -30 "$log"
    status=1
  fi
done
exit $status
