#!/usr/bin/env bash
# atomkv-proxy against redis-server, measured in the same run with redis-benchmark: SET, GET and
# INCR from 50 clients, without pipelining (-P 1) and with 16 commands per round trip (-P 16), on
#   (a) redis-server itself,
#   (b) atomkv-proxy on memory://,
#   (c) atomkv-proxy in front of the same redis-server (--backend redis://127.0.0.1:PORT).
# The servers take turns, round after round (in a rotating order), so that a noisy machine slows
# them alike; the table shows each median and the proxies' medians as ratios of Redis's. The load
# average before and after the run is printed with it, and so is each server's CPU time per request.
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

. "$(dirname "$0")/servers.sh"
bench_servers_init atomkv-bench-proxy

redis_port="$(free_port)"
start_redis "$redis_port"
proxy_port="$(free_port)"
start_proxy "$proxy_port" memory://
front_port="$(free_port)"
start_proxy "$front_port" "redis://127.0.0.1:$redis_port"

results="$work/results.csv"
echo "server,pipeline,test,requests,rps,cpu_ticks" >"$results"
# One test at a time, so that the server's CPU time is known per test: a server that spends
# less CPU per request leaves more of this 2-core machine to redis-benchmark.
measure() {
  local name="$1" port="$2" pid="$3" pipeline="$4" n="$5" test before rps
  for test in set get incr; do
    before="$(cpu_ticks "$pid")"
    rps="$(redis-benchmark -h 127.0.0.1 -p "$port" -t "$test" -c 50 -n "$n" -P "$pipeline" --csv \
      2>/dev/null | tail -n +2 | tr -d '"' | cut -d, -f2)"
    echo "$name,$pipeline,${test^^},$n,$rps,$(($(cpu_ticks "$pid") - before))" >>"$results"
  done
}

servers=(redis proxy front)
declare -A port_of=([redis]="$redis_port" [proxy]="$proxy_port" [front]="$front_port")
declare -A pid_of=([redis]="${pids[0]}" [proxy]="${pids[1]}" [front]="${pids[2]}")
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "redis-benchmark -t set,get,incr -c 50: $rounds rounds, -P 1 with -n $requests," \
  "-P 16 with -n $requests_pipelined" >&2
for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  for pipeline in 1 16; do
    n="$requests"
    [ "$pipeline" = 1 ] || n="$requests_pipelined"
    # Rotate which server goes first, so none always runs on a warmer or quieter machine.
    for i in 0 1 2; do
      name="${servers[$(((round + i) % 3))]}"
      measure "$name" "${port_of[$name]}" "${pid_of[$name]}" "$pipeline" "$n"
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

"$python" - "$results" "$rounds" "$load_before" "$load_after" "$(getconf CLK_TCK)" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
tick_us = 1e6 / float(sys.argv[5])
runs, cpu = {}, {}
for r in rows:
    key = (r["server"], int(r["pipeline"]), r["test"])
    if not r["rps"]:
        continue
    runs.setdefault(key, []).append(float(r["rps"]))
    cpu.setdefault(key, []).append(float(r["cpu_ticks"]) * tick_us / float(r["requests"]))
servers = ("redis", "proxy", "front")
print()
print("redis-server 7 (a), atomkv-proxy on memory:// (b), atomkv-proxy in front of (a) (c);")
print("redis-benchmark -c 50, median of %s rounds; load average %s before, %s after"
      % (sys.argv[2], sys.argv[3], sys.argv[4]))
print("%-8s %-5s %12s %12s %12s %8s %8s" % ("pipeline", "test", "(a) req/s", "(b) req/s",
                                          "(c) req/s", "(b)/(a)", "(c)/(a)"))
for pipeline in (1, 16):
    for test in ("SET", "GET", "INCR"):
        got = [runs.get((s, pipeline, test)) for s in servers]
        if not all(got):
            print("%-8s %-5s %12s" % ("-P %d" % pipeline, test, "no result"))
            continue
        a, b, c = (statistics.median(g) for g in got)
        print("%-8s %-5s %12.0f %12.0f %12.0f %8.2f %8.2f"
              % ("-P %d" % pipeline, test, a, b, c, b / a, c / a))
print()
print("server CPU time (user + system) per request, microseconds, median of the rounds:")
print("%-8s %-5s %12s %12s %12s %8s" % ("pipeline", "test", "(a) redis", "(b) proxy",
                                      "(c) front", "(b)/(a)"))
for pipeline in (1, 16):
    for test in ("SET", "GET", "INCR"):
        got = [cpu.get((s, pipeline, test)) for s in servers]
        if not all(got):
            continue
        a, b, c = (statistics.median(g) for g in got)
        print("%-8s %-5s %12.3f %12.3f %12.3f %8.2f"
              % ("-P %d" % pipeline, test, a, b, c, b / a if a else float("nan")))
PY
