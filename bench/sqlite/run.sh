#!/usr/bin/env bash
# SQLite (synchronous=FULL) through the library next to redis-server with appendonly yes,
# appendfsync always and everysec, measured in the same run; medians of ROUNDS rounds.
#   bench/sqlite/run.sh [BUILD_DIR] [ROUNDS] [REQUESTS]
#   RANDOM_KEYS=N bench/sqlite/run.sh ...   keys spread over N names (redis-benchmark -r N, and
#                                            sqlite_bench likewise); default: one key per test
# Each server's CPU time per request is printed too: on this 2-core machine the server shares the
# cores with redis-benchmark, so CPU per request bounds the rate as much as the fsyncs do.
# Two SQLite figures: library-level (50 client threads, sqlite_bench), and redis-benchmark against
# atomkv-proxy --backend sqlite://... (the proxy's event loop queues every client's command to the
# group writer without waiting, so the commands of all 50 clients share commits).
set -euo pipefail
cd "$(dirname "$0")/../.."
build_dir=${1:-build}
rounds=${2:-5}
requests=${3:-50000}
clients=50
random_keys=(${RANDOM_KEYS:+-r "$RANDOM_KEYS"})
bench="$build_dir/bench/sqlite/sqlite_bench"
proxy="$build_dir/proxy/atomkv-proxy"
[ -x "$bench" ] || { echo "build $bench first (cmake --build $build_dir)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/atomkv-bench.XXXXXX")
redis_pid=""
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# User plus system CPU time of a process so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tick_us=$(echo "1000000 / $(getconf CLK_TCK)" | bc -l)

# redis-benchmark against the server $redis_pid on port $1, one test at a time so that the
# server's CPU time is known per test; prints "TAG TEST REQ/S CPU-US-PER-REQUEST".
benchmark_server() {
  local port=$1 tag=$2 test before rps
  for test in set incr; do
    before=$(cpu_ticks "$redis_pid")
    rps=$(redis-benchmark -p "$port" -t "$test" -c "$clients" -n "$requests" "${random_keys[@]}" \
      -q --csv | tail -n +2 | tr -d '"' | cut -d, -f2)
    echo "$tag $test $rps $(echo "($(cpu_ticks "$redis_pid") - $before) * $tick_us / $requests" | bc -l)"
  done
}

wait_ping() {
  for _ in $(seq 100); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "no answer on port $1" >&2
  return 1
}

# A fresh redis-server with appendonly yes and the given appendfsync.
redis_round() {
  local fsync=$1 port dir
  port=$(free_port)
  dir="$work/redis-$fsync"
  rm -rf "$dir" && mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" \
    --appendonly yes --appendfsync "$fsync" --daemonize no --logfile "$dir/log" &
  redis_pid=$!
  wait_ping "$port"
  benchmark_server "$port" "$fsync"
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  wait "$redis_pid" 2>/dev/null || true
  redis_pid=""
}

# atomkv-proxy on a fresh SQLite file (synchronous=FULL).
proxy_round() {
  local port db="$work/proxy.db"
  [ -x "$proxy" ] || return 0
  rm -f "$db" "$db-wal" "$db-shm"
  port=$(free_port)
  "$proxy" --port "$port" --bind 127.0.0.1 --backend "sqlite://$db" >"$work/proxy.log" 2>&1 &
  redis_pid=$!
  wait_ping "$port"
  benchmark_server "$port" proxy
  kill "$redis_pid" && wait "$redis_pid" 2>/dev/null || true
  redis_pid=""
}

# The library alone; its lines carry the group size as a fifth field.
sqlite_round() {
  local db="$work/bench.db"
  rm -f "$db" "$db-wal" "$db-shm"
  "$bench" "sqlite://$db" "$clients" "$requests" "${RANDOM_KEYS:-0}" |
    awk '{print "sqlite", $1, $2, $4, $3}'
}

results="$work/results"
for round in $(seq "$rounds"); do
  sqlite_round >>"$results"
  proxy_round >>"$results"
  redis_round always >>"$results"
  redis_round everysec >>"$results"
  echo "round $round of $rounds done" >&2
done

median() { sort -n | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
# field F (3: requests/s, 4: CPU us per request, 5: group size) of source S, test T
value() { awk -v s="$1" -v t="$2" -v f="${3:-3}" '$1==s && $2==t {print $f}' "$results" | median; }

keys_used="one key per test"
if [ -n "${RANDOM_KEYS:-}" ]; then keys_used="keys among $RANDOM_KEYS"; fi
echo
echo "requests/s, median of $rounds rounds, $clients clients, $requests requests per test, $keys_used"
printf '%-6s %12s %12s %12s %12s %10s %11s %10s %10s\n' test lib-sqlite redis-always \
  redis-everys proxy-sqlite 'lib/alw' 'lib/everys' 'proxy/alw' ops/commit
for t in set incr; do
  s=$(value sqlite "$t"); a=$(value always "$t"); e=$(value everysec "$t"); g=$(value sqlite "$t" 5)
  p=$(value proxy "$t"); p=${p:-0}
  printf '%-6s %12.0f %12.0f %12.0f %12.0f %9.2fx %10.2fx %9.2fx %10.1f\n' "$t" "$s" "$a" "$e" \
    "$p" "$(echo "$s / $a" | bc -l)" "$(echo "$s / $e" | bc -l)" "$(echo "$p / $a" | bc -l)" "$g"
done
echo
echo "CPU time (user + system) per request, microseconds, median: each server process, and the"
echo "library bench's whole process (its 50 client threads included)"
printf '%-6s %12s %12s %12s %12s %10s\n' test lib-sqlite redis-always redis-everys proxy-sqlite \
  'proxy/alw'
for t in set incr; do
  s=$(value sqlite "$t" 4); a=$(value always "$t" 4); e=$(value everysec "$t" 4)
  p=$(value proxy "$t" 4); p=${p:-0}
  printf '%-6s %12.2f %12.2f %12.2f %12.2f %9.2fx\n' "$t" "$s" "$a" "$e" "$p" \
    "$(echo "$p / $a" | bc -l)"
done
