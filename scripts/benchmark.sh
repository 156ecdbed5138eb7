#!/usr/bin/env bash
# The README's benchmark command: installs the peers (Eigen, FANN, libtorch) and the plotting
# package, builds the comparison with g++ -O3 -march=native, runs it, measures the compile cost
# (scripts/compile_cost.py), and writes
# docs/benchmarks.md and docs/benchmarks.svg from the results (build/bench/results.json).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-dependencies.sh
extra=(libbenchmark-dev libeigen3-dev libfann-dev libtorch-dev python3-matplotlib)
missing=()
for p in "${extra[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    as_root=(); [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
flags="-march=native"
[ -f build/bench/build.ninja ] || CXX=g++ meson setup build/bench -Dbenchmarks=true -Dtests=false -Dexamples=false \
    -Dbenchmark_args="$flags" >/dev/null
ninja -C build/bench >/dev/null
build/bench/benchmarks/nabla_benchmarks --benchmark_min_time="${MIN_TIME:-0.3}" --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
    --benchmark_display_aggregates_only=true --benchmark_out=build/bench/results.json --benchmark_out_format=json
python3 scripts/compile_cost.py include build/bench/compile_cost.json
/usr/bin/python3 scripts/benchmark_report.py build/bench/results.json "g++ $(g++ -dumpfullversion) -O3 $flags" docs \
    build/bench/compile_cost.json
