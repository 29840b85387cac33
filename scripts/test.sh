#!/usr/bin/env bash
# Builds atomkv and runs the whole test suite (ctest). Does its own set-up on a fresh Debian.
#   scripts/test.sh                          normal build, every test
#   scripts/test.sh --sanitize address,undefined
#   scripts/test.sh --sanitize thread        the concurrent parts under ThreadSanitizer
# A run that registers or executes fewer tests than the suite has is a failure, whatever ran in
# this checkout before (scripts/run.sh shares build/ and turns the tests off there).
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
select=()  # which entries this run executes
# The ctest entries this run must find: one per test program and proxy backend, so a missing
# package or a stale option that drops a part of the suite fails here instead of passing quietly.
expected=(consumer.find_package unit resp_tests redis sqlite memory
  conformance.memory conformance.redis conformance.sqlite conformance.cluster redis.cluster
  proxy.commands proxy.redis.commands proxy.sqlite.commands proxy.differential
  proxy.redis.differential proxy.sqlite.differential proxy.concurrent proxy.redis.upstream
  proxy.expiry-reclaim proxy.sqlite.expiry-reclaim)
if [ -n "$sanitize" ]; then
  build_dir="build-${sanitize//,/-}"
fi
if [ "$sanitize" = thread ]; then
  select=(-L concurrent)
  expected=(conformance.memory conformance.redis conformance.sqlite redis sqlite memory
    proxy.concurrent proxy.redis.concurrent proxy.sqlite.concurrent)
  # TSan needs a fixed address layout; Debian 12's kernel randomises more than clang 14 expects.
  export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan-suppressions.txt"
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

bash scripts/configure.sh "$build_dir" -DATOMKV_SANITIZE="$sanitize" \
  -DATOMKV_BUILD_BENCH=$([ -z "$sanitize" ] && echo ON || echo OFF)
cmake --build "$build_dir" -j"$(nproc)"

registered=$(ctest --test-dir "$build_dir" -N "${select[@]}" | sed -n 's/^ *Test *#[0-9]*: //p')
missing=()
for name in "${expected[@]}"; do
  grep -qx "$name" <<<"$registered" || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: ctest in $build_dir lacks these entries: ${missing[*]}" >&2
  exit 1
fi
ctest --test-dir "$build_dir" "${select[@]}" --output-on-failure --no-tests=error --timeout 600
