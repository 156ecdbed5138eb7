#!/usr/bin/env bash
# The README's demo command: builds nabla's examples (release) and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-dependencies.sh
[ -f build/demo/build.ninja ] || meson setup build/demo -Dtests=false >/dev/null
ninja -C build/demo >/dev/null
build/demo/examples/quick_start
