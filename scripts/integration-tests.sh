#!/usr/bin/env bash
# Runs the integration tests (ctest label "integration") against servers that are already
# running, named by ATOMKV_TEST_REDIS_URL (a Redis) and ATOMKV_TEST_PROXY_URL (an atomkv-proxy,
# redis://host:port); then the proxy's part again against each further proxy URL given.
#   scripts/integration-tests.sh BUILD_DIR [PROXY_URL...]
# The tests empty those servers' keyspaces (FLUSHALL): point them at nothing you want to keep.
set -euo pipefail

build="${1:?usage: $0 BUILD_DIR [PROXY_URL...]}"
shift
: "${ATOMKV_TEST_REDIS_URL:?set ATOMKV_TEST_REDIS_URL, e.g. redis://redis:6379}"
: "${ATOMKV_TEST_PROXY_URL:?set ATOMKV_TEST_PROXY_URL, e.g. redis://proxy:6380}"
export ATOMKV_TEST_REDIS_URL ATOMKV_TEST_PROXY_URL

echo "== integration tests: Redis at $ATOMKV_TEST_REDIS_URL, proxy at $ATOMKV_TEST_PROXY_URL"
ctest --test-dir "$build" -L integration --output-on-failure --no-tests=error --timeout 600
for url in "$@"; do
  echo "== integration tests of the proxy at $url"
  ATOMKV_TEST_PROXY_URL="$url" ctest --test-dir "$build" -L integration -R '^proxy\.' \
    --output-on-failure --no-tests=error --timeout 600
done
