#!/usr/bin/env bash
# atomkv-proxy in front of a Redis Cluster, measured in the same run with redis-benchmark: SET,
# GET and INCR from 50 clients over 100,000 random keys (-r), without pipelining (-P 1) and with
# 16 commands per round trip (-P 16), on
#   (a) a Redis Cluster of 3 masters with a replica each, straight (redis-benchmark --cluster),
#   (b) atomkv-proxy in front of that cluster (--backend redis+cluster://...),
#   (c) atomkv-proxy in front of a single redis-server (--backend redis://...).
# The targets take turns, round after round (in a rotating order); the table shows each median
# and (b)'s and (c)'s medians as ratios of (a)'s, then the CPU time per request of the proxy and
# of the Redis processes behind it (the cluster's six nodes together).
#
#   bench/proxy/cluster.sh BUILD_DIR [--rounds N] [--requests N] [--requests-pipelined N]
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
rounds=3
requests=100000
requests_pipelined=400000
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
python=/usr/bin/python3

. "$(dirname "$0")/servers.sh"
bench_servers_init atomkv-bench-cluster

start_cluster 3
cluster_pids=("${pids[@]}")
seeds="127.0.0.1:${cluster_ports[0]},127.0.0.1:${cluster_ports[1]},127.0.0.1:${cluster_ports[2]}"
redis_port="$(free_port)"
start_redis "$redis_port"
redis_pid="${pids[-1]}"
cluster_proxy_port="$(free_port)"
start_proxy "$cluster_proxy_port" "redis+cluster://$seeds"
cluster_proxy_pid="${pids[-1]}"
single_proxy_port="$(free_port)"
start_proxy "$single_proxy_port" "redis://127.0.0.1:$redis_port"
single_proxy_pid="${pids[-1]}"

ticks_of() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(cpu_ticks "$pid")))
  done
  echo "$total"
}

results="$work/results.csv"
echo "target,pipeline,test,requests,rps,proxy_ticks,redis_ticks" >"$results"
# measure NAME PORT PROXY_PID CLUSTER_FLAG PIPELINE N REDIS_PIDS...
measure() {
  local name="$1" port="$2" proxy_pid="$3" cluster_flag="$4" pipeline="$5" n="$6"
  shift 6
  local test proxy_before redis_before rps proxy_used
  for test in set get incr; do
    proxy_before=0
    [ "$proxy_pid" = - ] || proxy_before="$(cpu_ticks "$proxy_pid")"
    redis_before="$(ticks_of "$@")"
    # shellcheck disable=SC2086
    rps="$(redis-benchmark -h 127.0.0.1 -p "$port" $cluster_flag -t "$test" -c 50 -r 100000 \
      -n "$n" -P "$pipeline" --csv 2>/dev/null | grep -i "^\"$test\"" | tr -d '"' | cut -d, -f2)"
    proxy_used=0
    [ "$proxy_pid" = - ] || proxy_used=$(($(cpu_ticks "$proxy_pid") - proxy_before))
    echo "$name,$pipeline,${test^^},$n,$rps,$proxy_used,$(($(ticks_of "$@") - redis_before))" \
      >>"$results"
  done
}

targets=(cluster front single)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "redis-benchmark -t set,get,incr -c 50 -r 100000: $rounds rounds, -P 1 with -n $requests," \
  "-P 16 with -n $requests_pipelined" >&2
for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  for pipeline in 1 16; do
    n="$requests"
    [ "$pipeline" = 1 ] || n="$requests_pipelined"
    for i in 0 1 2; do
      case "${targets[$(((round + i) % 3))]}" in
        cluster) measure cluster "${cluster_ports[0]}" - --cluster "$pipeline" "$n" "${cluster_pids[@]}" ;;
        front) measure front "$cluster_proxy_port" "$cluster_proxy_pid" "" "$pipeline" "$n" "${cluster_pids[@]}" ;;
        single) measure single "$single_proxy_port" "$single_proxy_pid" "" "$pipeline" "$n" "$redis_pid" ;;
      esac
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

"$python" - "$results" "$rounds" "$load_before" "$load_after" "$(getconf CLK_TCK)" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
tick_us = 1e6 / float(sys.argv[5])
rps, proxy_cpu, redis_cpu = {}, {}, {}
for r in rows:
    if not r["rps"]:
        continue
    key = (r["target"], int(r["pipeline"]), r["test"])
    rps.setdefault(key, []).append(float(r["rps"]))
    proxy_cpu.setdefault(key, []).append(float(r["proxy_ticks"]) * tick_us / float(r["requests"]))
    redis_cpu.setdefault(key, []).append(float(r["redis_ticks"]) * tick_us / float(r["requests"]))
targets = ("cluster", "front", "single")
med = lambda table, key: statistics.median(table[key]) if key in table else None
print()
print("(a) Redis Cluster, 3 masters + 3 replicas, redis-benchmark --cluster; (b) atomkv-proxy in")
print("front of (a); (c) atomkv-proxy in front of one redis-server. redis-benchmark -c 50 -r 100000,")
print("median of %s rounds; load average %s before, %s after" % (sys.argv[2], sys.argv[3], sys.argv[4]))
print("%-8s %-5s %12s %12s %12s %8s %8s" % ("pipeline", "test", "(a) req/s", "(b) req/s",
                                          "(c) req/s", "(b)/(a)", "(c)/(a)"))
for pipeline in (1, 16):
    for test in ("SET", "GET", "INCR"):
        a, b, c = (med(rps, (t, pipeline, test)) for t in targets)
        if None in (a, b, c):
            print("%-8s %-5s %12s" % ("-P %d" % pipeline, test, "no result"))
            continue
        print("%-8s %-5s %12.0f %12.0f %12.0f %8.2f %8.2f"
              % ("-P %d" % pipeline, test, a, b, c, b / a, c / a))
print()
print("CPU time (user + system) per request, microseconds, median of the rounds:")
print("%-8s %-5s %12s %12s %12s %12s %12s" % ("pipeline", "test", "(a) nodes", "(b) proxy",
                                            "(b) nodes", "(c) proxy", "(c) redis"))
for pipeline in (1, 16):
    for test in ("SET", "GET", "INCR"):
        cells = [med(redis_cpu, ("cluster", pipeline, test)), med(proxy_cpu, ("front", pipeline, test)),
                 med(redis_cpu, ("front", pipeline, test)), med(proxy_cpu, ("single", pipeline, test)),
                 med(redis_cpu, ("single", pipeline, test))]
        if None in cells:
            continue
        print("%-8s %-5s %12.3f %12.3f %12.3f %12.3f %12.3f" % (("-P %d" % pipeline, test) + tuple(cells)))
PY
