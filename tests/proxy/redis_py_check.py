"""redis-py (Debian's python3-redis, RESP2) against a server on HOST:PORT.

Run by proxy_tests as /usr/bin/python3 redis_py_check.py HOST PORT; prints OK and exits 0 when
every check holds, else prints what failed and exits 1.
"""
import sys
import threading

import redis


def check(cond, what):
    if not cond:
        print("FAILED:", what)
        sys.exit(1)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    r = redis.Redis(host=host, port=port, socket_timeout=10)
    check(r.ping() is True, "ping")
    r.flushdb()
    check(r.set("k", "v") is True, "set")
    check(r.get("k") == b"v", "get")
    check(r.set("k", "w", nx=True) is None, "set nx on existing key")
    check(r.set("k", "w", xx=True, get=True) == b"v", "set xx get")
    check(r.setnx("k", "z") is False, "setnx")
    check(r.getset("k", "x") == b"w", "getset")
    check(r.getdel("k") == b"x", "getdel")
    check(r.get("k") is None, "get after getdel")
    # The keys of a multi-key command share a hash tag, so that a cluster serves them in one slot.
    check(r.mset({"{t}a": "1", "{t}b": "2"}) is True, "mset")
    check(r.mget("{t}a", "{t}b", "{t}c") == [b"1", b"2", None], "mget")
    check(r.msetnx({"{t}a": "9", "{t}c": "3"}) is False, "msetnx")
    check(r.exists("{t}a", "{t}a", "{t}c") == 2, "exists with a repeated key")
    check(r.incr("n") == 1 and r.incrby("n", 41) == 42, "incr incrby")
    check(r.decr("n") == 41 and r.decrby("n", 50) == -9, "decr decrby")
    check(sorted(r.keys("*")) == [b"n", b"{t}a", b"{t}b"], "keys")
    check(sorted(r.scan_iter(match="*", count=1)) == [b"n", b"{t}a", b"{t}b"], "scan_iter")
    check(r.type("{t}a") == b"string" and r.type("zz") == b"none", "type")
    check(r.strlen("{t}a") == 1, "strlen")
    check(r.delete("{t}a", "{t}zz") == 1 and r.unlink("{t}b") == 1, "delete unlink")
    check(r.dbsize() == 1, "dbsize")
    # Expiry, as redis-py's helpers send it.
    check(r.set("e", "v", ex=100) is True and 0 < r.ttl("e") <= 100, "set ex, ttl")
    check(r.expire("e", 200, gt=True) is True and r.ttl("e") > 100, "expire gt")
    check(r.expire("e", 300, nx=True) is False, "expire nx on a key with a deadline")
    check(r.pexpire("e", 50000) is True and 0 < r.pttl("e") <= 50000, "pexpire, pttl")
    check(r.expiretime("e") > 1600000000, "expiretime")
    check(r.persist("e") is True and r.ttl("e") == -1, "persist")
    check(r.setex("e", 100, "w") is True and r.getex("e", px=30000) == b"w", "setex, getex px")
    check(0 < r.pttl("e") <= 30000, "pttl after getex px")
    check(r.getex("e", persist=True) == b"w" and r.ttl("e") == -1, "getex persist")
    check(r.expireat("e", 1) is True and r.exists("e") == 0, "expireat in the past")
    check(r.ttl("e") == -2, "ttl of a missing key")
    check(r.echo("hi") == b"hi", "echo")
    check(r.client_setname("py") is True and r.client_getname() == "py", "client name")
    # Clients such as Valkey GLIDE look for a master in INFO replication when they connect.
    check(r.info("replication")["role"] == "master", "info replication role")
    check(r.info("replication")["connected_slaves"] == 0, "info replication replicas")
    check(isinstance(r.info("cpu")["used_cpu_sys"], float), "info cpu")
    check("redis_version" in r.info(), "info default sections")
    check(r.config_set("timeout", 9) is True, "config set")
    check(r.config_get("timeout") == {"timeout": "9"}, "config get after set")
    check(r.config_set("timeout", 0) is True, "config set back")
    try:
        r.execute_command("INCR", "n", "x")
        check(False, "wrong arity raises")
    except redis.ResponseError as e:
        check("wrong number of arguments" in str(e), "arity error text: %s" % e)
    try:
        r.execute_command("NOSUCH", "x")
        check(False, "unknown command raises")
    except redis.ResponseError as e:
        check(str(e).startswith("unknown command 'NOSUCH'"), "unknown command text: %s" % e)

    # A watched read-modify-write, retried on conflict, from several threads at once.
    r.set("total", 0)
    threads, per_thread, nthreads = [], 100, 8

    def add():
        c = redis.Redis(host=host, port=port, socket_timeout=10)
        for _ in range(per_thread):
            while True:
                with c.pipeline() as p:
                    try:
                        p.watch("total")
                        current = int(p.get("total"))
                        p.multi()
                        p.set("total", current + 1)
                        p.execute()
                        break
                    except redis.WatchError:
                        continue

    for _ in range(nthreads):
        t = threading.Thread(target=add)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    check(int(r.get("total")) == per_thread * nthreads, "watched pipeline total")

    # A conflict the test makes itself: the transaction must not apply.
    other = redis.Redis(host=host, port=port, socket_timeout=10)
    with r.pipeline() as p:
        p.watch("total")
        other.set("total", "changed")
        p.multi()
        p.set("total", "mine")
        try:
            p.execute()
            check(False, "EXEC after a conflicting write must raise WatchError")
        except redis.WatchError:
            pass
    check(r.get("total") == b"changed", "conflicting transaction not applied")

    # A plain pipeline (MULTI/EXEC) and a non-transactional one.
    with r.pipeline(transaction=True) as p:
        p.set("x", 1).incr("x").get("x")
        check(p.execute() == [True, 2, b"2"], "transactional pipeline")
    with r.pipeline(transaction=False) as p:
        for i in range(1000):
            p.incr("y")
        check(p.execute()[-1] == 1000, "plain pipeline")
    print("OK")


if __name__ == "__main__":
    main()
