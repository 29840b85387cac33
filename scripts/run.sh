#!/usr/bin/env bash
# Builds atomkv-proxy and runs it on the embedded default backend (memory://), on port 6380.
# Does its own set-up on a fresh Debian: only what building and running the proxy needs.
# Extra arguments go to the proxy (see --help); a later --port wins over the default.
#
# Shares build/ with scripts/test.sh, so the proxy is compiled once for both; each script sets
# every option it depends on, so they work in either order, repeated.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
bash scripts/configure.sh build -DATOMKV_BUILD_TESTS=OFF -DATOMKV_BUILD_BENCH=OFF
cmake --build build -j"$(nproc)" --target atomkv-proxy
exec ./build/proxy/atomkv-proxy --port 6380 --backend memory:// "$@"
