#!/usr/bin/env bash
# Builds atomkv and runs the example program on the embedded default backend (memory://).
# Does its own set-up on a fresh Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DATOMKV_BUILD_TESTS=OFF -DATOMKV_BUILD_BENCH=OFF
cmake --build build -j"$(nproc)" --target counter_example
exec ./build/counter_example "${@:-memory://}"
