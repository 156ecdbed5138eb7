#!/usr/bin/env bash
# Two builds of the benchmark binary, side by side on the same machine: ROUNDS (3) interleaved runs
# of each, REPETITIONS (5) repetitions of MIN_TIME (0.1) seconds a run, the fastest time of each row
# printed (a burst of load elsewhere slows a run, never speeds it up).
# Usage: [ROUNDS=n] [REPETITIONS=n] [MIN_TIME=s] compare_benchmarks.sh BEFORE AFTER [FILTER]
#   cp build/bench/benchmarks/nabla_benchmarks /tmp/before; (change, ninja -C build/bench)
#   bash scripts/compare_benchmarks.sh /tmp/before build/bench/benchmarks/nabla_benchmarks 'train_batch32/nabla$'
set -euo pipefail
before=$1 after=$2 filter=${3:-nabla$}
for run in $(seq "${ROUNDS:-3}"); do
    for which in before after; do
        binary=${!which}
        "$binary" --benchmark_filter="$filter" --benchmark_min_time="${MIN_TIME:-0.1}" --benchmark_repetitions="${REPETITIONS:-5}" 2>/dev/null |
            grep -E '^[A-Za-z_]+/' | grep -v -E '_(mean|median|stddev|cv) ' | awk -v w="$which" '{print $1, w, $2, $3}'
    done
done | awk '{k = $1 " " $2; if (!(k in best) || $3 < best[k]) { best[k] = $3; unit[k] = $4 }}
            END { for (k in best) print k, best[k], unit[k] }' | sort
