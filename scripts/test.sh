#!/usr/bin/env bash
# Builds atomkv and runs the whole test suite (ctest). Does its own set-up on a fresh Debian.
#   scripts/test.sh                          normal build, every test
#   scripts/test.sh --sanitize address,undefined
#   scripts/test.sh --sanitize thread        the concurrent parts under ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) sanitize="$2"; shift 2 ;;
    *) echo "usage: $0 [--sanitize address,undefined|thread]" >&2; exit 2 ;;
  esac
done

bash scripts/install-deps.sh

build_dir=build
ctest_args=(--output-on-failure)
if [ -n "$sanitize" ]; then
  build_dir="build-${sanitize//,/-}"
fi
if [ "$sanitize" = thread ]; then
  ctest_args+=(-L concurrent)
  # TSan needs a fixed address layout; Debian 12's kernel randomises more than clang 14 expects.
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

cmake -S . -B "$build_dir" -DATOMKV_SANITIZE="$sanitize" -DATOMKV_BUILD_BENCH=$([ -z "$sanitize" ] && echo ON || echo OFF)
cmake --build "$build_dir" -j"$(nproc)"
ctest --test-dir "$build_dir" "${ctest_args[@]}" --timeout 600
