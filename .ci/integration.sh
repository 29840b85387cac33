#!/usr/bin/env bash
# CI: the integration tests through the environment-variable path that docker compose users take
# (compose.yaml's tests service): a redis-server, atomkv-proxy in front of it and atomkv-proxy on
# a SQLite file, started here on free loopback ports in a temporary directory and stopped on exit.
# Uses the normal build in build/ (scripts/test.sh makes it).
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
proxy="$build/proxy/atomkv-proxy"
[ -x "$proxy" ] || { echo "no $proxy: run scripts/test.sh first" >&2; exit 1; }

dir=$(mktemp -d)
pids=()
stop_servers() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait || true
  rm -rf "$dir"
}
trap stop_servers EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until the server on $1 answers PING, with the health check the container image uses.
wait_ready() {
  for _ in $(seq 100); do
    bash scripts/resp-ping.sh 127.0.0.1 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing answers PING on port $1; logs:" >&2
  tail -n 20 "$dir"/*.log >&2
  return 1
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
  >"$dir/redis.log" 2>&1 &
pids+=($!)
wait_ready "$redis_port"

proxy_port=$(free_port)
"$proxy" --bind 127.0.0.1 --port "$proxy_port" \
  --backend "redis://127.0.0.1:$redis_port" \
  >"$dir/proxy.log" 2>&1 &
pids+=($!)
sqlite_port=$(free_port)
"$proxy" --bind 127.0.0.1 --port "$sqlite_port" --backend "sqlite://$dir/atomkv.db" \
  >"$dir/proxy-sqlite.log" 2>&1 &
pids+=($!)
wait_ready "$proxy_port"
wait_ready "$sqlite_port"

ATOMKV_TEST_REDIS_URL="redis://127.0.0.1:$redis_port" \
  ATOMKV_TEST_PROXY_URL="redis://127.0.0.1:$proxy_port" \
  bash scripts/integration-tests.sh "$build" "redis://127.0.0.1:$sqlite_port"

# The tests must have gone to these servers, not to ones of their own.
for port in "$proxy_port" "$sqlite_port"; do
  served=$(redis-cli -p "$port" INFO stats | tr -d '\r' | sed -n 's/^total_commands_processed://p')
  echo "atomkv-proxy on port $port processed $served commands"
  [ "${served:-0}" -gt 100000 ] || { echo "the tests did not use the proxy on $port" >&2; exit 1; }
done
