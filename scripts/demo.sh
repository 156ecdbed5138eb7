#!/usr/bin/env bash
# The README's demo command: builds nabla's examples (release) and runs them: the quick start,
# XOR trained by per-sample gradient descent, and handwritten digits.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-dependencies.sh
[ -f build/demo/build.ninja ] || meson setup build/demo -Dtests=false >/dev/null
ninja -C build/demo >/dev/null
for example in quick_start xor digits; do
    echo "== examples/$example"
    build/demo/examples/$example
    echo
done
