#!/usr/bin/env bash
# The largest basic blocks g++ -O3 schedules after register allocation in one unit, with the function
# each is in: where the scheduler's cost, which grows faster than a block's length, goes.
#   bash scripts/largest_blocks.sh UNIT.cpp [COUNT]
set -euo pipefail
unit=$(realpath "$1")
include=$(realpath include)
dump=$(mktemp -d)
trap 'rm -rf "$dump"' EXIT
(cd "$dump" && g++ -std=c++20 -O3 -I "$include" -c "$unit" -o /dev/null -fdump-rtl-sched2)
awk '/^;; Function/ { if (n > 0) print n, function_name; n = 0; function_name = $3 }
     /NOTE_INSN_BASIC_BLOCK/ { if (n > 0) print n, function_name; n = 0 }
     /^\((insn|call_insn|jump_insn)/ { n++ }
     END { if (n > 0) print n, function_name }' "$dump"/*.sched2 | sort -rn | head -n "${2:-10}" | c++filt | cut -c1-160
