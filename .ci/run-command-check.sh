#!/usr/bin/env bash
# CI: the README's run command as a newcomer runs it (scripts/run.sh), on a free port, until the
# proxy answers PING; then SIGTERM, which must end it cleanly.
#   .ci/run-command-check.sh               first walk (it may install packages and build)
#   .ci/run-command-check.sh --no-rebuild  after scripts/test.sh: the proxy it built is reused
set -euo pipefail
cd "$(dirname "$0")/.."

no_rebuild=false
[ "${1:-}" = --no-rebuild ] && no_rebuild=true
proxy=build/proxy/atomkv-proxy
before=""
if $no_rebuild; then
  [ -x "$proxy" ] || { echo "no $proxy to reuse" >&2; exit 1; }
  before=$(stat -c %Y "$proxy")
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo 16380)
log=$(mktemp)
# Its own process group, so that nothing it started outlives this check.
setsid bash scripts/run.sh --port "$port" >"$log" 2>&1 &
group=$!
stop() { kill -TERM -- "-$group" 2>/dev/null || true; }
trap 'stop; rm -f "$log"' EXIT

start=$SECONDS
until bash scripts/resp-ping.sh 127.0.0.1 "$port" 2>/dev/null; do
  if ! kill -0 "$group" 2>/dev/null; then
    echo "scripts/run.sh ended before the proxy answered PING:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  if [ $((SECONDS - start)) -gt 1500 ]; then
    echo "the proxy did not answer PING within 1500 s:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "scripts/run.sh: the proxy answered PING on port $port after $((SECONDS - start)) s"

kill -TERM "$group"  # run.sh exec'd the proxy: this is the proxy
for _ in $(seq 100); do
  kill -0 "$group" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$group" 2>/dev/null; then
  echo "the proxy did not exit within 10 s of SIGTERM" >&2
  exit 1
fi
wait "$group" || { echo "the proxy exited with status $? after SIGTERM" >&2; exit 1; }

if $no_rebuild && [ "$(stat -c %Y "$proxy")" != "$before" ]; then
  echo "scripts/run.sh rebuilt the proxy that scripts/test.sh had built" >&2
  exit 1
fi
