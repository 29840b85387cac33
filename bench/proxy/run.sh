#!/usr/bin/env bash
# atomkv-proxy (memory://) against redis-server, measured in the same run with redis-benchmark:
# SET, GET and INCR from 50 clients, without pipelining (-P 1) and with 16 commands per round
# trip (-P 16). The two servers take turns, round after round, so that a noisy machine slows both
# alike; the table shows each median and the proxy's median as a ratio of Redis's.
#
#   bench/proxy/run.sh BUILD_DIR [--rounds N] [--requests N] [--requests-pipelined N]
#
# The proxy binary is BUILD_DIR/proxy/atomkv-proxy unless ATOMKV_PROXY_BINARY names another.
set -euo pipefail

usage() {
  echo "usage: $0 BUILD_DIR [--rounds N] [--requests N] [--requests-pipelined N]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
build_dir="$1"
shift
rounds=5
requests=100000
requests_pipelined=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --requests-pipelined) requests_pipelined="$2"; shift 2 ;;
    *) usage ;;
  esac
done

proxy_bin="${ATOMKV_PROXY_BINARY:-$build_dir/proxy/atomkv-proxy}"
[ -x "$proxy_bin" ] || { echo "no atomkv-proxy at $proxy_bin (build target atomkv-proxy)" >&2; exit 1; }
for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool not found (Debian: redis-server, redis-tools)" >&2; exit 1; }
done
# Debian's interpreter: always there with redis-tools' dependencies, unlike a pyenv python3.
python=/usr/bin/python3

work="$(mktemp -d "${TMPDIR:-/tmp}/atomkv-bench-proxy-XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
  "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_ping() {
  local port="$1" name="$2"
  for _ in $(seq 100); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null)" = PONG ]; then
      return 0
    fi
    sleep 0.1
  done
  echo "$name on port $port did not answer PING" >&2
  exit 1
}

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --dir "$work" --logfile "$work/redis.log" &
pids+=($!)
wait_ping "$redis_port" redis-server

proxy_port="$(free_port)"
"$proxy_bin" --port "$proxy_port" --bind 127.0.0.1 --backend memory:// >"$work/proxy.log" 2>&1 &
pids+=($!)
wait_ping "$proxy_port" atomkv-proxy

results="$work/results.csv"
echo "server,pipeline,test,rps" >"$results"
measure() {
  local name="$1" port="$2" pipeline="$3" n="$4"
  redis-benchmark -h 127.0.0.1 -p "$port" -t set,get,incr -c 50 -n "$n" -P "$pipeline" --csv \
    2>/dev/null | tail -n +2 | tr -d '"' |
    awk -F, -v s="$name" -v p="$pipeline" '{ print s "," p "," $1 "," $2 }' >>"$results"
}

echo "redis-benchmark -t set,get,incr -c 50: $rounds rounds, -P 1 with -n $requests," \
  "-P 16 with -n $requests_pipelined" >&2
for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  for pipeline in 1 16; do
    n="$requests"
    [ "$pipeline" = 1 ] || n="$requests_pipelined"
    # Alternate which server goes first, so neither always runs on a warmer or quieter machine.
    if [ $((round % 2)) = 1 ]; then
      measure redis "$redis_port" "$pipeline" "$n"
      measure proxy "$proxy_port" "$pipeline" "$n"
    else
      measure proxy "$proxy_port" "$pipeline" "$n"
      measure redis "$redis_port" "$pipeline" "$n"
    fi
  done
done

"$python" - "$results" "$rounds" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
runs = {}
for r in rows:
    runs.setdefault((r["server"], int(r["pipeline"]), r["test"]), []).append(float(r["rps"]))
print()
print("atomkv-proxy (memory://) vs redis-server %s, redis-benchmark -c 50, median of %s rounds"
      % ("7", sys.argv[2]))
print("%-8s %-5s %15s %15s %12s" % ("pipeline", "test", "redis req/s", "proxy req/s", "proxy/redis"))
for pipeline in (1, 16):
    for test in ("SET", "GET", "INCR"):
        redis = runs.get(("redis", pipeline, test))
        proxy = runs.get(("proxy", pipeline, test))
        if not redis or not proxy:
            print("%-8s %-5s %15s" % ("-P %d" % pipeline, test, "no result"))
            continue
        mr, mp = statistics.median(redis), statistics.median(proxy)
        print("%-8s %-5s %15.0f %15.0f %12.2f" % ("-P %d" % pipeline, test, mr, mp, mp / mr))
PY
