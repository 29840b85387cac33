#!/usr/bin/env bash
# The cost of active expiry: KEYS keys (1,000,000 by default) written to expire at one deadline
# and then never touched, on
#   (a) redis-server itself,
#   (b) atomkv-proxy on memory://,
#   (c) atomkv-proxy on sqlite:// (a file in the temporary directory, synchronous=FULL),
# each fresh, one after the other, for --rounds rounds. For each: how long after the deadline
# INFO stats counts every key as expired, the server's CPU seconds over that time, and the GET
# latency of another client meanwhile next to its latency before the deadline
# (expiry_reclaim.py, with redis-py).
#
#   bench/proxy/expiry_reclaim.sh BUILD_DIR [--keys N] [--rounds N] [--servers redis,memory,sqlite]
#
# The proxy binary is BUILD_DIR/proxy/atomkv-proxy unless ATOMKV_PROXY_BINARY names another.
set -euo pipefail

usage() {
  echo "usage: $0 BUILD_DIR [--keys N] [--rounds N] [--servers redis,memory,sqlite]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
build_dir="$1"
shift
keys=1000000
rounds=1
wanted=redis,memory,sqlite
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) keys="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --servers) wanted="$2"; shift 2 ;;
    *) usage ;;
  esac
done

proxy_bin="${ATOMKV_PROXY_BINARY:-$build_dir/proxy/atomkv-proxy}"
for tool in redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool not found (Debian: redis-server, redis-tools)" >&2; exit 1; }
done
python=/usr/bin/python3
case ",$wanted," in
  *,memory,* | *,sqlite,*)
    [ -x "$proxy_bin" ] || { echo "no atomkv-proxy at $proxy_bin (build target atomkv-proxy)" >&2; exit 1; } ;;
esac
"$python" -c 'import redis' 2>/dev/null || { echo "redis-py not found (Debian: python3-redis)" >&2; exit 1; }

. "$(dirname "$0")/servers.sh"
bench_servers_init atomkv-bench-reclaim

echo "$keys keys expiring at one deadline, $rounds round(s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for name in ${wanted//,/ }; do
    port="$(free_port)"
    case "$name" in
      redis) start_redis "$port" ;;
      memory) start_proxy "$port" memory:// ;;
      sqlite)
        rm -f "$work/reclaim.db" "$work/reclaim.db-wal" "$work/reclaim.db-shm"
        start_proxy "$port" "sqlite://$work/reclaim.db" ;;
      *) echo "unknown server $name (redis, memory, sqlite)" >&2; exit 2 ;;
    esac
    figures="$("$python" "$(dirname "$0")/expiry_reclaim.py" "$port" "${pids[-1]}" "$keys")" ||
      figures="the measurement failed (above)"
    printf '%-7s round %d: %s\n' "$name" "$round" "$figures"
    kill "${pids[-1]}"
    wait "${pids[-1]}" 2>/dev/null || true
    unset 'pids[-1]'  # stopped: the clean-up at exit must not signal its pid again
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
