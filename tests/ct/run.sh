#!/usr/bin/env bash
# tests/ct/run.sh — constant-time check under valgrind memcheck (secret bytes marked
# undefined; see ct_check.c). Builds in build-ct/ (no sanitizers: valgrind and ASan do
# not mix). Exit status 1 on any report in the project's code.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ ! -f build-ct/build.ninja ]; then
    meson setup build-ct -Dbuildtype=debugoptimized -De2e=disabled -Dct_check=true >/dev/null
fi
ninja -C build-ct tests/ct/ct_check >/dev/null
log=build-ct/ct_check.valgrind.log
if valgrind --tool=memcheck --error-exitcode=1 --track-origins=yes --num-callers=30 \
        --suppressions=tests/ct/openssl.supp build-ct/tests/ct/ct_check > "$log" 2>&1; then
    grep '^ct_check:' "$log"
    echo "ct: ok (no secret-dependent branch or index in the project's code)"
else
    cat "$log" | grep -v '^==[0-9]*== *$' | head -80
    echo "ct: FAILED (full log: $log)"
    exit 1
fi
