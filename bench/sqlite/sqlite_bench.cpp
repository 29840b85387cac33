// Library-level throughput of the SQLite backend, shaped like `redis-benchmark -t set,incr -c 50`:
// THREADS clients each wait for their reply before the next request, with a 3-byte value, on one
// key (redis-benchmark without -r) or, with KEYS > 0, on keys drawn among KEYS names as
// `redis-benchmark -r KEYS` draws them.
//
//   sqlite_bench URL [THREADS] [REQUESTS] [KEYS]
//
// Prints one line per test: name, requests per second, requests per commit (group size), and the
// process's CPU time (user + system, every thread) per request in microseconds.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "atomkv/atomkv.hpp"
#include "sqlite/sqlite_store.hpp"

namespace {

struct measured {
  double per_second = 0;
  double per_group = 0;
  double cpu_us_per_request = 0;
  long failures = 0;
};

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The key a request uses: `prefix` alone, or with a 12-digit number below `keys` appended, as
// redis-benchmark -r replaces __rand_int__.
std::string next_key(const std::string& prefix, long keys) {
  if (keys <= 0) {
    return prefix + "__rand_int__";
  }
  thread_local std::minstd_rand draw{std::random_device{}()};
  char digits[16];
  std::snprintf(digits, sizeof digits, "%012ld",
                std::uniform_int_distribution<long>(0, keys - 1)(draw));
  return prefix + digits;
}

template <class Request>
measured run(const atomkv::store& store, int threads, long requests, Request request) {
  auto* sqlite = dynamic_cast<atomkv::sqlite::sqlite_store*>(&store.backend());
  auto before = sqlite ? sqlite->stats() : atomkv::sqlite::writer_stats{};
  std::atomic<long> next{0};
  std::atomic<long> failures{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < threads; ++t) {
    clients.emplace_back([&] {
      ++ready;
      while (!go) {
        std::this_thread::yield();
      }
      while (next.fetch_add(1) < requests) {
        if (!request()) {
          ++failures;
        }
      }
    });
  }
  while (ready < threads) {
    std::this_thread::yield();
  }
  auto start = std::chrono::steady_clock::now();
  double cpu_before = process_cpu_seconds();
  go = true;
  for (auto& c : clients) {
    c.join();
  }
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  measured m;
  m.per_second = static_cast<double>(requests) / elapsed.count();
  m.failures = failures;
  m.cpu_us_per_request = (process_cpu_seconds() - cpu_before) * 1e6 / static_cast<double>(requests);
  if (sqlite) {
    auto after = sqlite->stats();
    auto groups = after.groups - before.groups;
    m.per_group = groups ? static_cast<double>(after.requests - before.requests) / groups : 0;
  }
  return m;
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sqlite_bench URL [THREADS] [REQUESTS] [KEYS]\n");
    return 2;
  }
  int threads = argc > 2 ? std::atoi(argv[2]) : 50;
  long requests = argc > 3 ? std::atol(argv[3]) : 50000;
  long keys = argc > 4 ? std::atol(argv[4]) : 0;
  auto store = atomkv::connect(argv[1]);
  if (!store) {
    std::fprintf(stderr, "connect: %s\n", store.error().message.c_str());
    return 1;
  }
  auto bucket = store.value().open("").value();
  auto set = run(store.value(), threads, requests,
                 [&] { return bool(bucket.set(next_key("key:", keys), "xxx")); });
  auto incr = run(store.value(), threads, requests, [&] {
    return bool(atomkv::atomics::increment(bucket, next_key("counter:", keys), 1));
  });
  std::printf("set %.0f %.1f %.2f\nincr %.0f %.1f %.2f\n", set.per_second, set.per_group,
              set.cpu_us_per_request, incr.per_second, incr.per_group, incr.cpu_us_per_request);
  if (set.failures || incr.failures) {
    std::fprintf(stderr, "failed requests: set %ld, incr %ld\n", set.failures, incr.failures);
    return 1;
  }
  return 0;
}
