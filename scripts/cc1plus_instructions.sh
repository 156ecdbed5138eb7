#!/usr/bin/env bash
# The instructions g++'s compiler proper (cc1plus) executes on one unit at -O3 -std=c++20, counted by
# valgrind: a compile-cost figure that loads elsewhere on the machine do not move, unlike wall time.
# With BRANCHES=1 also the branches valgrind's model of a predictor mispredicts: a unit with as many
# instructions as another can still take longer (docs/benchmarks-notes.md, compile time).
#   bash scripts/cc1plus_instructions.sh UNIT.cpp [FLAGS...]   (units: python3 scripts/compile_cost.py --sources DIR)
#   BRANCHES=1 bash scripts/cc1plus_instructions.sh UNIT.cpp -I benchmarks   (a hand-written unit)
set -euo pipefail
unit=$1
shift
cc1=$(g++ -print-prog-name=cc1plus)
branch_sim=no
[[ ${BRANCHES:-0} == 1 ]] && branch_sim=yes
valgrind --tool=cachegrind --cache-sim=no --branch-sim=$branch_sim --cachegrind-out-file=/dev/null "$cc1" -quiet -I include \
    -imultiarch x86_64-linux-gnu -D_GNU_SOURCE "$unit" -quiet -mtune=generic -march=x86-64 -O3 "$@" -std=c++20 \
    -o /dev/null 2>&1 | awk '/I *refs/ {gsub(",", "", $4); printf "%.3f G\n", $4 / 1e9}
                             /Mispredicts/ {gsub(",", "", $3); printf "%.1f M mispredicted branches\n", $3 / 1e6}'
