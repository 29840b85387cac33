"""The cost of active expiry on one server (bench/proxy/expiry_reclaim.sh runs it on each).

Writes KEYS keys that all expire at one deadline, then, from the deadline until INFO stats
counts every one of them as expired, keeps another client sending GETs of other keys one after
the other. Prints one line of figures: the time the reclaim took, the server's CPU seconds over
it, and that client's GET latency then and over the seconds before the deadline (quiet).

    expiry_reclaim.py PORT PID KEYS
"""

import os
import statistics
import sys
import time

import redis

TICK = os.sysconf("SC_CLK_TCK")
QUIET_SECONDS = 3.0
GIVE_UP_SECONDS = 300.0


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def expired(conn):
    return conn.info("stats")["expired_keys"]


def percentiles(samples):
    samples = sorted(samples)
    at = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1e6
    return at(0.5), at(0.99), at(0.999), samples[-1] * 1e6


def main():
    port, pid, keys = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    writer = redis.Redis(port=port)
    getter = redis.Redis(port=port)
    expired_before = expired(writer)

    # The deadline leaves time for the writes (about 60,000 a second on the slowest server) and
    # for the quiet readings.
    started = time.time()
    deadline_ms = int((started + keys / 40_000 + QUIET_SECONDS + 5) * 1000)
    pipe = writer.pipeline(transaction=False)
    for i in range(keys):
        pipe.set("exp:%d" % i, "v" * 16, pxat=deadline_ms)
        if i % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()
    written = time.time()
    if written * 1000 > deadline_ms - QUIET_SECONDS * 1000:
        print("writes took %.1f s, past the deadline: not measured" % (written - started))
        return

    quiet = []
    while time.time() * 1000 < deadline_ms:
        t = time.perf_counter()
        getter.get("other:%d" % (len(quiet) % 1000))
        quiet.append(time.perf_counter() - t)

    cpu_before = cpu_seconds(pid)
    during = []
    next_poll = 0.0
    done_at = None
    while time.time() * 1000 < deadline_ms + GIVE_UP_SECONDS * 1000:
        t = time.perf_counter()
        getter.get("other:%d" % (len(during) % 1000))
        during.append(time.perf_counter() - t)
        if t >= next_poll:
            next_poll = t + 0.1
            if expired(writer) - expired_before >= keys:
                done_at = time.time()
                break
    cpu = cpu_seconds(pid) - cpu_before
    took = "%.2f" % (done_at - deadline_ms / 1000) if done_at else "over %d" % GIVE_UP_SECONDS
    q, d = percentiles(quiet), percentiles(during)
    print(
        "%s s to reclaim, %.2f CPU s; GET us p50/p99/p99.9/max quiet %.0f/%.0f/%.0f/%.0f, "
        "during %.0f/%.0f/%.0f/%.0f (%d GETs); DBSIZE %d"
        % (took, cpu, *q, *d, len(during), writer.dbsize())
    )


if __name__ == "__main__":
    main()
