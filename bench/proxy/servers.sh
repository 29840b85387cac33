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

# A redis-server without persistence on port $1 (more redis-server options after it, which win);
# its pid is appended to pids.
start_redis() {
  local port="$1"
  shift
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --dir "$work" --logfile "$work/redis-$port.log" "$@" &
  pids+=($!)
  wait_ping "$port" redis-server
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

# A free port whose cluster bus port (10,000 above, as Redis takes it) is free too.
free_cluster_port() {
  "$python" -c '
import random, socket
while True:
    p = random.randint(20000, 45000)
    try:
        for q in (p, p + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", q)); s.close()
        print(p); break
    except OSError:
        pass'
}

# A Redis Cluster of $1 masters with one replica each, on free ports, without persistence; every
# node's pid is appended to pids, their ports to cluster_ports, the masters' pids to
# cluster_master_pids (as the cluster first assigned them). Waits for cluster_state:ok.
start_cluster() {
  local masters="$1" nodes=$(($1 * 2)) port addresses=()
  cluster_ports=()
  for _ in $(seq "$nodes"); do
    port="$(free_cluster_port)"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
      --cluster-enabled yes --cluster-config-file "$work/nodes-$port.conf" \
      --cluster-node-timeout 5000 --dir "$work" --logfile "$work/redis-$port.log" &
    pids+=($!)
    cluster_ports+=("$port")
    addresses+=("127.0.0.1:$port")
  done
  for port in "${cluster_ports[@]}"; do
    wait_ping "$port" "cluster node"
  done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes \
    >"$work/cluster-create.log" 2>&1 || { cat "$work/cluster-create.log" >&2; exit 1; }
  for _ in $(seq 300); do
    local ok=1
    for port in "${cluster_ports[@]}"; do
      redis-cli -h 127.0.0.1 -p "$port" CLUSTER INFO | grep -q '^cluster_state:ok' || ok=0
    done
    [ "$ok" = 1 ] && break
    sleep 0.1
  done
  [ "$ok" = 1 ] || { echo "the cluster did not reach cluster_state:ok" >&2; exit 1; }
  cluster_master_pids=()
  local i=0
  for port in "${cluster_ports[@]}"; do
    if redis-cli -h 127.0.0.1 -p "$port" ROLE | head -1 | grep -q master; then
      cluster_master_pids+=("${pids[$((${#pids[@]} - nodes + i))]}")
    fi
    i=$((i + 1))
  done
}
