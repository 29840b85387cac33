#!/usr/bin/env bash
# Builds atomkv-proxy and runs it on the embedded default backend (memory://), on port 6380.
# Does its own set-up on a fresh Debian. Extra arguments go to the proxy (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DATOMKV_BUILD_TESTS=OFF -DATOMKV_BUILD_BENCH=OFF
cmake --build build -j"$(nproc)" --target atomkv-proxy
exec ./build/proxy/atomkv-proxy --port 6380 --backend memory:// "$@"
