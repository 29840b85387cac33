# Sourced by the bench/proxy scripts: a temporary directory, servers started on free loopback
# ports and stopped on exit, and the readings taken of them. Needs $python and, before use,
# bench_servers_init NAME (the temporary directory's name).

bench_servers_init() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/$1-XXXXXX")"
  pids=()
  trap bench_servers_cleanup EXIT INT TERM
}

bench_servers_cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}

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

# A redis-server without persistence on port $1; its pid is appended to pids.
start_redis() {
  redis-server --port "$1" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --dir "$work" --logfile "$work/redis-$1.log" &
  pids+=($!)
  wait_ping "$1" redis-server
}

# atomkv-proxy ($proxy_bin) on port $1 with backend $2; its pid is appended to pids.
start_proxy() {
  "$proxy_bin" --port "$1" --bind 127.0.0.1 --backend "$2" >"$work/proxy-$1.log" 2>&1 &
  pids+=($!)
  wait_ping "$1" "atomkv-proxy on $2"
}

# User plus system CPU time of a process so far, in clock ticks.
cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
