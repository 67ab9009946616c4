#!/usr/bin/env bash
# tests/static/run.sh [BUILD_DIR] — static checks of the product code (not the tests):
# clang-tidy with the project's .clang-tidy (warnings are errors) and cppcheck
# (warning, portability, performance), and a warning-free release build. Suppressions are justified in .clang-tidy and,
# for cppcheck, inline (// cppcheck-suppress ... with a reason). Exit status 1 on any finding.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build-test}
[ -f "$build/compile_commands.json" ] || { echo "static: no $build/compile_commands.json" >&2; exit 1; }
mapfile -t files < <(ls card/*.c crypto/*.c ecasd/*.c isd-r/*.c isd-p/*.c ppi/*.c vicc/*.c \
                        tools/*.c tools/*/*.c 2>/dev/null)
status=0
echo "static: clang-tidy on ${#files[@]} files"
if ! printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet \
        > "$build/clang-tidy.log" 2>&1; then
    grep -E "(warning|error):" "$build/clang-tidy.log" | grep -v "warnings generated" || true
    echo "static: clang-tidy FAILED (full log: $build/clang-tidy.log)"
    status=1
else
    echo "static: clang-tidy ok"
fi
if ! cppcheck --enable=warning,portability,performance --inline-suppr --error-exitcode=1 \
        -q -I. --std=c11 "${files[@]}" > "$build/cppcheck.log" 2>&1; then
    cat "$build/cppcheck.log"
    echo "static: cppcheck FAILED"
    status=1
else
    echo "static: cppcheck ok"
fi
# a release build (-O3) with -Werror: the optimiser finds warnings the test build's -O2
# does not (maybe-uninitialized, format-truncation)
if [ ! -f build-release/build.ninja ]; then
    meson setup build-release -Dbuildtype=release > /dev/null
fi
if ninja -C build-release > build-release/static-build.log 2>&1; then
    echo "static: release build (-O3 -Werror) ok"
else
    grep -E "error:" build-release/static-build.log | head -20
    echo "static: release build FAILED (log: build-release/static-build.log)"
    status=1
fi
exit $status
