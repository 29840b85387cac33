#!/usr/bin/env bash
# Configures a build folder with every option that changes what is compiled set explicitly, so
# that a folder configured earlier by another script (or by hand) cannot carry a stale choice
# in CMake's cache.
#   scripts/configure.sh BUILD_DIR [-DNAME=VALUE ...]   (these win over the defaults below)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="$1"
shift
cmake -S . -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DATOMKV_SANITIZE= \
  -DATOMKV_BUILD_TESTS=ON \
  -DATOMKV_BUILD_BENCH=ON \
  -DATOMKV_BUILD_FUZZ=OFF \
  "$@"
