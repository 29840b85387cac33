#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in their own build directory and runs
# the request decoder fuzzer for a bounded time on a copy of the seed corpus, so the corpus in
# the repository is not modified. Exits non-zero on any crash, leak, timeout or sanitizer report.
#
# Environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_SECONDS (default 60), FUZZ_JOBS (2).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}

cmake -S "$root" -B "$build" \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DATOMKV_BUILD_FUZZ=ON -DATOMKV_BUILD_TESTS=OFF -DATOMKV_BUILD_BENCH=OFF \
  -DATOMKV_SANITIZE=address,undefined
cmake --build "$build" -j"$jobs" --target fuzz_request_decoder

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/fuzz/corpus/request_decoder" "$work/corpus"
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

set +e
"$build/fuzz/fuzz_request_decoder" "$work/corpus" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 2>&1 | tee "$work/log"
status=${PIPESTATUS[0]}
set -e

if [ "$status" -ne 0 ] || grep -Eq "runtime error:|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)" "$work/log"; then
  echo "fuzz.sh: the request decoder fuzzer failed (exit $status); inputs kept in $artifacts" >&2
  exit 1
fi
echo "fuzz.sh: no crash or sanitizer report in ${seconds}s"
