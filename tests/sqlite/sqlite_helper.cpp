// A second process for the SQLite tests.
//   sqlite_helper increment URL KEY THREADS COUNT   THREADS x COUNT increments, exit 0 if all ok
//   sqlite_helper load URL KEY THREADS              increments until killed; after each one is
//                                                  acknowledged, writes its result as a line on
//                                                  stdout
//   sqlite_helper deadlines URL KEY THREADS         sets KEY:n with the deadline
//                                                  deadline_base + n, n = 0, 1, ... until
//                                                  killed; writes n on stdout once acknowledged

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: sqlite_helper increment URL KEY THREADS COUNT | load URL KEY THREADS | "
               "deadlines URL KEY THREADS\n");
  return 2;
}

// 2100-01-01 in Unix ms: far enough that nothing expires during the test.
constexpr std::int64_t deadline_base = 4'102'444'800'000;

// One write(2) per line: lines from several threads never interleave on a pipe.
void report(std::int64_t value) {
  std::string line = std::to_string(value) + "\n";
  if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::_Exit(3);
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc < 5) {
    return usage();
  }
  std::string mode = argv[1];
  std::string key = argv[3];
  int threads = std::atoi(argv[4]);
  bool deadlines = mode == "deadlines";
  bool load = mode == "load" || deadlines;
  if ((!load && mode != "increment") || (!load && argc < 6) || threads < 1) {
    return usage();
  }
  long count = load ? 0 : std::atol(argv[5]);

  auto store = atomkv::connect(argv[2]);
  if (!store) {
    std::fprintf(stderr, "connect: %s\n", store.error().message.c_str());
    return 1;
  }
  auto bucket = store.value().open("");
  if (!bucket) {
    std::fprintf(stderr, "open: %s\n", bucket.error().message.c_str());
    return 1;
  }
  std::atomic<long> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    if (deadlines) {
      workers.emplace_back([&, t] {
        for (std::int64_t n = t;; n += threads) {
          const std::string name = key + ":" + std::to_string(n);
          auto set = bucket.value().set(name, "v", atomkv::expiry::at(deadline_base + n));
          if (!set) {
            std::fprintf(stderr, "set: %s\n", set.error().message.c_str());
            std::_Exit(1);
          }
          report(n);
        }
      });
      continue;
    }
    workers.emplace_back([&] {
      for (long i = 0; load || i < count; ++i) {
        auto sum = atomkv::atomics::increment(bucket.value(), key, 1);
        if (!sum) {
          std::fprintf(stderr, "increment: %s\n", sum.error().message.c_str());
          ++failures;
          if (load) {
            std::_Exit(1);
          }
          continue;
        }
        if (load) {
          report(sum.value());
        }
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  return failures == 0 ? 0 : 1;
}
