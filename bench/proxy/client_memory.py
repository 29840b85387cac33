#!/usr/bin/python3
"""What hostile and idle clients cost atomkv-proxy in memory (resident set size, VmRSS).

  flood: a client that never reads its replies sends `GET k` and then N `COMMAND DOCS` in one
         stream. The proxy's
         peak RSS is sampled while it pushes; a bystander's PING/INCR latency is measured; the
         offender should end up disconnected.
  multi: the same, but `GET k`, `MULTI` and N `SET k <1 KB>`: the queue of MULTI grows.
  idle:  C clients each send one SET of a V-byte value, read +OK, then stay connected and idle;
         the proxy's RSS is read before, just after, and after a wait. --value-size 0: PING.

  bench/proxy/client_memory.py PROXY_BINARY [--backend memory|redis|sqlite] [--scenario flood|multi|idle]
        [--limit BYTES] [--commands N] [--clients C] [--value-size V] [--wait SECONDS] [--burst]

Needs redis-server on PATH for --backend redis. Prints one summary line per run.
"""
import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def wait_ping(port, deadline=10.0):
    end = time.time() + deadline
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("port %d did not answer PING" % port)


def read_reply(sock):
    """Reads one simple reply line (enough for +PONG, :n, +OK)."""
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def flood(pid, port, args, in_multi):
    bystander = socket.create_connection(("127.0.0.1", port))
    offender = socket.create_connection(("127.0.0.1", port))
    # Inline commands, as redis-cli or a script over nc sends them. Inside MULTI, what grows is
    # the queue: SETs of 1 KB values, answered with QUEUED.
    if in_multi:
        stream = b"GET k\r\nMULTI\r\n" + (b"SET k " + b"v" * 1024 + b"\r\n") * args.commands
    else:
        stream = b"GET k\r\n" + b"COMMAND DOCS\r\n" * args.commands
    offender.setblocking(False)
    base = rss_kb(pid)
    peak = base
    sent = 0
    worst = 0.0
    answered = 0
    start = time.time()
    disconnected = False
    while time.time() - start < args.duration:
        if sent < len(stream):
            try:
                sent += offender.send(stream[sent:sent + 65536])
            except BlockingIOError:
                pass
            except OSError:
                disconnected = True
        t0 = time.time()
        bystander.sendall(encode("INCR", "bystander"))
        read_reply(bystander)
        worst = max(worst, time.time() - t0)
        answered += 1
        peak = max(peak, rss_kb(pid))
        if disconnected:
            break
        # Whether the proxy closed the offender: a closed socket reads EOF once the unread
        # replies before it are consumed; peek without reading them as a client would.
        try:
            if offender.recv(1, socket.MSG_PEEK) == b"":
                disconnected = True
        except BlockingIOError:
            pass
        except OSError:
            disconnected = True
        time.sleep(0.01)
    if not disconnected:
        # Read everything: only an EOF or a reset at the end shows a disconnect.
        offender.setblocking(True)
        offender.settimeout(5)
        try:
            while offender.recv(1 << 20):
                pass
            disconnected = True
        except socket.timeout:
            pass
        except OSError:
            disconnected = True
    time.sleep(1)
    after = rss_kb(pid)
    print("flood%s backend=%s limit=%s commands=%d: RSS before %.1f MB, peak %.1f MB, after %.1f MB;"
          " offender %s after %d of %d bytes sent; bystander %d INCRs, worst %.0f ms"
          % (" in MULTI" if in_multi else "", args.backend, args.limit or "default",
             args.commands, base / 1024, peak / 1024, after / 1024,
             "disconnected" if disconnected else "STILL CONNECTED", sent, len(stream), answered,
             worst * 1000))


def check_ok(sock):
    reply = read_reply(sock)
    if reply not in (b"+OK\r\n", b"+PONG\r\n"):
        sys.exit("SET failed: %r" % reply)


def idle(pid, port, args):
    base = rss_kb(pid)
    value = b"v" * args.value_size
    conns = []
    # One after the other (the point is what each connection keeps afterwards), or with --burst
    # every SET sent before any reply is read.
    for i in range(args.clients):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(encode("SET", "idle:%d" % i, value) if value else b"PING\r\n")
        if not args.burst:
            check_ok(s)
        conns.append(s)
    if args.burst:
        for s in conns:
            check_ok(s)
    just_after = rss_kb(pid)
    time.sleep(args.wait)
    after_wait = rss_kb(pid)
    print("idle%s backend=%s: %d clients, one SET of %d bytes each: RSS before %.1f MB, "
          "just after %.1f MB, after %gs idle %.1f MB"
          % (" burst" if args.burst else "", args.backend, args.clients, args.value_size, base / 1024, just_after / 1024,
             args.wait, after_wait / 1024))
    for s in conns:
        s.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("proxy")
    p.add_argument("--backend", default="memory", choices=["memory", "redis", "sqlite"])
    p.add_argument("--scenario", default="flood", choices=["flood", "multi", "idle"])
    p.add_argument("--limit", help="--client-output-buffer-limit (and query limit) for the proxy")
    p.add_argument("--commands", type=int, default=40000)
    p.add_argument("--duration", type=float, default=30.0)
    p.add_argument("--clients", type=int, default=2000)
    p.add_argument("--value-size", type=int, default=200 * 1024)
    p.add_argument("--wait", type=float, default=5.0)
    p.add_argument("--burst", action="store_true", help="idle: send every SET before reading")
    args = p.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.clients + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))

    work = tempfile.mkdtemp(prefix="atomkv-client-memory-")
    procs = []
    try:
        url = "memory://"
        if args.backend == "redis":
            rport = free_port()
            procs.append(subprocess.Popen(
                ["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", work, "--logfile", os.path.join(work, "redis.log")]))
            wait_ping(rport)
            url = "redis://127.0.0.1:%d" % rport
        elif args.backend == "sqlite":
            url = "sqlite://" + os.path.join(work, "db.sqlite")
        port = free_port()
        cmd = [args.proxy, "--port", str(port), "--bind", "127.0.0.1", "--backend", url]
        if args.limit:
            cmd += ["--client-output-buffer-limit", args.limit,
                    "--client-query-buffer-limit", args.limit]
        log = open(os.path.join(work, "proxy.log"), "w")
        proxy = subprocess.Popen(cmd, stdout=log, stderr=log)
        procs.append(proxy)
        wait_ping(port)
        if args.scenario == "idle":
            idle(proxy.pid, port, args)
        else:
            flood(proxy.pid, port, args, args.scenario == "multi")
        if proxy.poll() is not None:
            print("proxy exited with %s" % proxy.returncode)
    finally:
        for pr in reversed(procs):
            pr.terminate()
            try:
                pr.wait(10)
            except subprocess.TimeoutExpired:
                pr.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
