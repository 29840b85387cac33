#!/usr/bin/env bash
# SET with a 60 s expiry, the write of caches, locks and rate limiters: redis-benchmark's custom
# command `SET key:__rand_int__ value EX 60` (-r 100000: keys spread over 100,000 names) from 50
# clients, without pipelining (-P 1) and with 16 commands per round trip (-P 16), on
#   (a) redis-server itself, without persistence,
#   (b) "always": redis-server with appendonly yes and appendfsync always, durable as (d) is,
#   (c) atomkv-proxy on memory://,
#   (d) atomkv-proxy on sqlite:// (a file in the temporary directory, synchronous=FULL),
#   and, when --servers names it, (e) "front": atomkv-proxy in front of (a) (redis://),
# measured in the same run, the servers taking turns round after round (in a rotating order). The
# table shows each median requests/s, as ratios of (a)'s and of (b)'s (the peer of sqlite://),
# and each server process's CPU time (user + system) per request. Before measuring, each server must answer the command
# with OK and leave the key a TTL: a server that refuses SET EX is reported, not measured
# (redis-benchmark would count error replies as requests).
#
#   bench/proxy/expiry.sh BUILD_DIR [--rounds N] [--requests N] [--requests-pipelined N]
#                                   [--servers redis,always,memory,sqlite[,front]]
#
# The proxy binary is BUILD_DIR/proxy/atomkv-proxy unless ATOMKV_PROXY_BINARY names another.
set -euo pipefail

usage() {
  echo "usage: $0 BUILD_DIR [--rounds N] [--requests N] [--requests-pipelined N]" \
    "[--servers redis,always,memory,sqlite[,front]]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
build_dir="$1"
shift
rounds=3
requests=100000
requests_pipelined=1000000
wanted=redis,always,memory,sqlite
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --requests-pipelined) requests_pipelined="$2"; shift 2 ;;
    --servers) wanted="$2"; shift 2 ;;
    *) usage ;;
  esac
done

proxy_bin="${ATOMKV_PROXY_BINARY:-$build_dir/proxy/atomkv-proxy}"
for name in ${wanted//,/ }; do
  case "$name" in
    redis | always) ;;
    *) [ -x "$proxy_bin" ] || { echo "no atomkv-proxy at $proxy_bin (build target atomkv-proxy)" >&2; exit 1; } ;;
  esac
done
for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool not found (Debian: redis-server, redis-tools)" >&2; exit 1; }
done
python=/usr/bin/python3

. "$(dirname "$0")/servers.sh"
bench_servers_init atomkv-bench-expiry

command=(SET "key:__rand_int__" value EX 60)
declare -A port_of pid_of
servers=()
for name in ${wanted//,/ }; do
  port="$(free_port)"
  case "$name" in
    redis) start_redis "$port" ;;
    # No AOF rewrite: its child's CPU would not be counted.
    always) start_redis "$port" --appendonly yes --appendfsync always --appenddirname "aof-$port" \
      --auto-aof-rewrite-percentage 0 ;;
    memory) start_proxy "$port" memory:// ;;
    sqlite) start_proxy "$port" "sqlite://$work/expiry.db" ;;
    front)
      [ -n "${port_of[redis]:-}" ] || { echo "front needs redis before it in --servers" >&2; exit 2; }
      start_proxy "$port" "redis://127.0.0.1:${port_of[redis]}" ;;
    *) echo "unknown server $name (redis, always, memory, sqlite, front)" >&2; exit 2 ;;
  esac
  port_of[$name]="$port"
  pid_of[$name]="${pids[-1]}"
  # The command must work there: OK, and a TTL on the key it wrote.
  said="$(redis-cli -h 127.0.0.1 -p "$port" SET key:probe value EX 60 2>&1)"
  ttl="$(redis-cli -h 127.0.0.1 -p "$port" TTL key:probe 2>&1)"
  if [ "$said" != OK ] || ! [ "$ttl" -gt 0 ] 2>/dev/null; then
    echo "$name answers SET ... EX 60 with '$said' (TTL '$ttl'): not measured" >&2
    continue
  fi
  servers+=("$name")
done
[ "${#servers[@]}" -gt 0 ] || { echo "no server runs SET ... EX" >&2; exit 1; }

results="$work/results.csv"
echo "server,pipeline,requests,rps,cpu_ticks" >"$results"
measure() {
  local name="$1" pipeline="$2" n="$3" before rps
  before="$(cpu_ticks "${pid_of[$name]}")"
  rps="$(redis-benchmark -h 127.0.0.1 -p "${port_of[$name]}" -c 50 -n "$n" -P "$pipeline" \
    -r 100000 --csv "${command[@]}" 2>/dev/null | tail -n +2 | tr -d '"' | cut -d, -f2)"
  echo "$name,$pipeline,$n,$rps,$(($(cpu_ticks "${pid_of[$name]}") - before))" >>"$results"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "redis-benchmark -c 50 -r 100000 ${command[*]}: $rounds rounds, -P 1 with -n $requests," \
  "-P 16 with -n $requests_pipelined; servers: ${servers[*]}" >&2
for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  for pipeline in 1 16; do
    n="$requests"
    [ "$pipeline" = 1 ] || n="$requests_pipelined"
    # Rotate which server goes first, so none always runs on a warmer or quieter machine.
    for i in $(seq 0 $((${#servers[@]} - 1))); do
      measure "${servers[$(((round + i) % ${#servers[@]}))]}" "$pipeline" "$n"
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# What the load left: keys written in the last 60 s, each with a TTL of at most 60 s (SCAN, which
# every server has, where RANDOMKEY is Redis's own).
for name in "${servers[@]}"; do
  port="${port_of[$name]}"
  key="$(redis-cli -h 127.0.0.1 -p "$port" SCAN 0 MATCH 'key:0*' COUNT 1000 | sed -n 2p)"
  echo "$name: DBSIZE $(redis-cli -h 127.0.0.1 -p "$port" DBSIZE)," \
    "TTL of '$key' $(redis-cli -h 127.0.0.1 -p "$port" TTL "$key")" >&2
done

"$python" - "$results" "$rounds" "$load_before" "$load_after" "$(getconf CLK_TCK)" \
  "${servers[@]}" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
tick_us = 1e6 / float(sys.argv[5])
servers = sys.argv[6:]
labels = {"redis": "redis-server", "always": "redis always", "memory": "proxy memory://",
          "sqlite": "proxy sqlite://", "front": "proxy redis://"}
runs, cpu = {}, {}
for r in rows:
    if not r["rps"]:
        continue
    key = (r["server"], int(r["pipeline"]))
    runs.setdefault(key, []).append(float(r["rps"]))
    cpu.setdefault(key, []).append(float(r["cpu_ticks"]) * tick_us / float(r["requests"]))
print()
print("SET key:__rand_int__ value EX 60, redis-benchmark -c 50 -r 100000, median of %s rounds;"
      % sys.argv[2])
print("load average %s before, %s after" % (sys.argv[3], sys.argv[4]))
print("%-8s %-16s %12s %10s %10s %14s" % ("pipeline", "server", "req/s", "/ redis", "/ always",
                                          "CPU us/req"))
def median_of(server, pipeline):
    got = runs.get((server, pipeline))
    return statistics.median(got) if got else None
for pipeline in (1, 16):
    base, durable = median_of("redis", pipeline), median_of("always", pipeline)
    for s in servers:
        rps = median_of(s, pipeline)
        if rps is None:
            print("%-8s %-16s %12s" % ("-P %d" % pipeline, labels[s], "no result"))
            continue
        ratio = "%.2f" % (rps / base) if base else "-"
        ratio_durable = "%.2f" % (rps / durable) if durable else "-"
        print("%-8s %-16s %12.0f %10s %10s %14.3f" % ("-P %d" % pipeline, labels[s], rps, ratio,
                                                     ratio_durable,
                                                     statistics.median(cpu[(s, pipeline)])))
PY
