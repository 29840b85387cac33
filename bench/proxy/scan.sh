#!/usr/bin/env bash
# A full SCAN of a large keyspace (2,000,000 keys by default): atomkv-proxy on memory:// next to
# redis-server, measured in the same run, the servers taking turns round after round:
#   - alone: the wall time of SCAN 0 ... COUNT 10 until the cursor is 0, each call's latency, and
#     each server's CPU time (user + system) per SCAN call;
#   - with other clients: the same scan while GETTERS other connections send GETs one after the
#     other, and the latency of those GETs (p99, max): how long one scanning client stalls the
#     others.
#
#   bench/proxy/scan.sh BUILD_DIR [--keys N] [--rounds N] [--count N] [--getters N]
#
# The proxy binary is BUILD_DIR/proxy/atomkv-proxy unless ATOMKV_PROXY_BINARY names another; the
# client is BUILD_DIR/bench/proxy/scan_bench (target scan_bench).
set -euo pipefail

usage() {
  echo "usage: $0 BUILD_DIR [--keys N] [--rounds N] [--count N] [--getters N]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
build_dir="$1"
shift
keys=2000000
rounds=3
count=10
getters=2
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) keys="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --getters) getters="$2"; shift 2 ;;
    *) usage ;;
  esac
done

proxy_bin="${ATOMKV_PROXY_BINARY:-$build_dir/proxy/atomkv-proxy}"
client="$build_dir/bench/proxy/scan_bench"
[ -x "$proxy_bin" ] || { echo "no atomkv-proxy at $proxy_bin (build target atomkv-proxy)" >&2; exit 1; }
[ -x "$client" ] || { echo "no scan_bench at $client (build target scan_bench)" >&2; exit 1; }
for tool in redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool not found (Debian: redis-server, redis-tools)" >&2; exit 1; }
done
python=/usr/bin/python3

. "$(dirname "$0")/servers.sh"
bench_servers_init atomkv-bench-scan

rss_kb() {
  awk '/^VmRSS/ { print $2 }' "/proc/$1/status"
}

redis_port="$(free_port)"
start_redis "$redis_port"
proxy_port="$(free_port)"
start_proxy "$proxy_port" memory://

servers=(redis proxy)
declare -A port_of=([redis]="$redis_port" [proxy]="$proxy_port")
declare -A pid_of=([redis]="${pids[0]}" [proxy]="${pids[1]}")

for name in "${servers[@]}"; do
  start=$(date +%s.%N)
  "$client" load "${port_of[$name]}" "$keys"
  echo "$name: $keys keys loaded in $(echo "$(date +%s.%N) - $start" | bc) s," \
    "RSS $(( $(rss_kb "${pid_of[$name]}") / 1024 )) MB" >&2
done

results="$work/results.txt"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "SCAN COUNT $count over $keys keys, $rounds rounds; $getters GET clients in the second run" >&2
for round in $(seq "$rounds"); do
  echo "round $round/$rounds" >&2
  for i in 0 1; do
    name="${servers[$(((round + i) % 2))]}"
    for with in 0 "$getters"; do
      before="$(cpu_ticks "${pid_of[$name]}")"
      line="$("$client" scan "${port_of[$name]}" "$count" "$with")"
      line="server=$name getters=$with cpu_ticks=$(($(cpu_ticks "${pid_of[$name]}") - before)) $line"
      echo "  $line" >&2
      echo "$line" >>"$results"
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

"$python" - "$results" "$rounds" "$load_before" "$load_after" "$(getconf CLK_TCK)" "$count" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    fields = dict(f.split("=", 1) for f in line.split())
    runs.setdefault((fields["server"], fields["getters"] != "0"), []).append(fields)
tick_us = 1e6 / float(sys.argv[5])
def med(server, busy, field, scale=1.0):
    return statistics.median(float(r[field]) * scale for r in runs[(server, busy)])
def cpu_per_call(server, busy):
    return statistics.median(float(r["cpu_ticks"]) * tick_us / float(r["calls"])
                             for r in runs[(server, busy)])
keys = runs[("redis", False)][0]["keys_in_db"]
print()
print("full SCAN 0 .. COUNT %s over %s keys: redis-server 7 (a), atomkv-proxy on memory:// (b);"
      % (sys.argv[6], keys))
print("median of %s rounds; load average %s before, %s after" % (sys.argv[2], sys.argv[3], sys.argv[4]))
print("%-34s %12s %12s %8s" % ("", "(a) redis", "(b) proxy", "(b)/(a)"))
def row(label, a, b, fmt="%12.1f"):
    print(("%-34s " + fmt + " " + fmt + " %8.2f") % (label, a, b, b / a if a else float("nan")))
row("scan alone: seconds", med("redis", False, "seconds"), med("proxy", False, "seconds"), "%12.2f")
row("  SCAN calls", med("redis", False, "calls"), med("proxy", False, "calls"), "%12.0f")
row("  keys returned", med("redis", False, "keys_returned"), med("proxy", False, "keys_returned"),
    "%12.0f")
row("  server CPU per SCAN call, us", cpu_per_call("redis", False), cpu_per_call("proxy", False))
row("  SCAN call latency p50, us", med("redis", False, "call_p50_us"), med("proxy", False, "call_p50_us"))
row("  SCAN call latency p99, us", med("redis", False, "call_p99_us"), med("proxy", False, "call_p99_us"))
row("  SCAN call latency max, us", med("redis", False, "call_max_us"), med("proxy", False, "call_max_us"))
if ("redis", True) in runs:
    row("with GET clients: scan seconds", med("redis", True, "seconds"), med("proxy", True, "seconds"),
        "%12.2f")
    row("  GETs served during the scan", med("redis", True, "gets"), med("proxy", True, "gets"), "%12.0f")
    row("  GET latency p50, us", med("redis", True, "get_p50_us"), med("proxy", True, "get_p50_us"))
    row("  GET latency p99, us", med("redis", True, "get_p99_us"), med("proxy", True, "get_p99_us"))
    row("  GET latency max, us", med("redis", True, "get_max_us"), med("proxy", True, "get_max_us"))
PY
