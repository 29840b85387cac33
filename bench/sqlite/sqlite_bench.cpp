// Library-level throughput of the SQLite backend, shaped like `redis-benchmark -t set,incr -c 50`:
// THREADS clients each wait for their reply before the next request, all on one key with a
// 3-byte value (redis-benchmark without -r uses one key).
//
//   sqlite_bench URL [THREADS] [REQUESTS]
//
// Prints one line per test: name, requests per second, and requests per commit (group size).

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"
#include "sqlite/sqlite_store.hpp"

namespace {

struct measured {
  double per_second = 0;
  double per_group = 0;
  long failures = 0;
};

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
  go = true;
  for (auto& c : clients) {
    c.join();
  }
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  measured m;
  m.per_second = static_cast<double>(requests) / elapsed.count();
  m.failures = failures;
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
    std::fprintf(stderr, "usage: sqlite_bench URL [THREADS] [REQUESTS]\n");
    return 2;
  }
  int threads = argc > 2 ? std::atoi(argv[2]) : 50;
  long requests = argc > 3 ? std::atol(argv[3]) : 50000;
  auto store = atomkv::connect(argv[1]);
  if (!store) {
    std::fprintf(stderr, "connect: %s\n", store.error().message.c_str());
    return 1;
  }
  auto bucket = store.value().open("").value();
  auto set = run(store.value(), threads, requests,
                 [&] { return bool(bucket.set("key:__rand_int__", "xxx")); });
  auto incr = run(store.value(), threads, requests, [&] {
    return bool(atomkv::atomics::increment(bucket, "counter:__rand_int__", 1));
  });
  std::printf("set %.0f %.1f\nincr %.0f %.1f\n", set.per_second, set.per_group, incr.per_second,
              incr.per_group);
  if (set.failures || incr.failures) {
    std::fprintf(stderr, "failed requests: set %ld, incr %ld\n", set.failures, incr.failures);
    return 1;
  }
  return 0;
}
