#!/usr/bin/env bash
# The README's test command: every test suite under g++, under clang++ (with the loaders' fuzzers,
# 60 and 15 seconds), and under g++ with AddressSanitizer + UndefinedBehaviorSanitizer (debug info
# -g1: the line tables the sanitizers' reports need, a tenth less compile time than -g). Ends with
# one line, 'N passed, N failed'.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-dependencies.sh || exit 1
echo "== dependencies installed in $SECONDS s"

configurations=(gcc clang sanitize)
declare -A compiler=([gcc]=g++ [clang]=clang++ [sanitize]=g++)
declare -A options=([gcc]="-Dbenchmarks=true" [clang]="-Dfuzz=true" [sanitize]="-Db_sanitize=address,undefined -Dbuildtype=debug -Dcpp_args=-g1 -Dcompile_fail_tests=false")
logs=()
unbuilt=0
status=0
mkdir -p build
for c in "${configurations[@]}"; do
    dir="build/test-$c"
    echo "== $c: configure and build in $dir"
    started=$SECONDS # each phase's time in the log, to see where CI's minutes go
    if [ ! -f "$dir/build.ninja" ]; then
        # shellcheck disable=SC2086
        CXX="${compiler[$c]}" meson setup "$dir" ${options[$c]} >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; unbuilt=$((unbuilt + 1)); continue; }
    fi
    # One compile a core. Ninja's default on two cores is three; with four, clang++'s build was 7-10 %
    # slower than with two (247-249 s against 224-232 s here), the compilers' working sets crowding
    # each other. Three was not timed on its own.
    ninja -C "$dir" -j "$(nproc)" >"$dir.build.log" 2>&1 || { grep -m20 -B2 -A8 'error' "$dir.build.log"; unbuilt=$((unbuilt + 1)); continue; }
    echo "== $c: built in $((SECONDS - started)) s; test"
    started=$SECONDS
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" || status=1
    echo "== $c: tested in $((SECONDS - started)) s"
    logs+=("$dir/meson-logs/testlog.json")
done
python3 scripts/count_tests.py --unbuilt "$unbuilt" "${logs[@]}" || status=1
exit $status
