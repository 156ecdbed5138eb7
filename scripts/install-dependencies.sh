#!/usr/bin/env bash
# Installs the Debian 12 packages nabla's build, tests and demo need (as root, or through sudo).
set -euo pipefail
packages=(g++ clang libclang-rt-14-dev meson ninja-build pkg-config python3 libboost-dev catch2 nlohmann-json3-dev
          python3-torch libbenchmark-dev libeigen3-dev libfann-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "Installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
