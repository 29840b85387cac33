// Active expiry on memory:// under a wave: KEYS keys (1,000,000 by default) set with a lifetime of
// LIFETIME_MS (1000), then left alone until the store's expiry thread has reclaimed them all,
// while a reader thread calls get() on 1,000 other keys without a pause.
//
//   expiry_bench [KEYS] [LIFETIME_MS]
//
// Prints: the expiry thread's CPU seconds during the wave (from /proc, the thread is named
// atomkv-expire), how long after the last deadline the bucket was empty, the reader's worst and
// 99.9th-percentile get() latency during the wave and during a quiet period before it, and VmRSS
// before the keys, at the peak, and once they are gone.

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"
#include "atomkv/clock.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtol(line.c_str() + 6, nullptr, 10);
    }
  }
  return -1;
}

// CPU seconds (user + system) of this process's thread named `name`, or -1.
double thread_cpu_seconds(const std::string& name) {
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) {
    return -1;
  }
  double found = -1;
  while (dirent* d = readdir(dir)) {
    const std::string task = std::string("/proc/self/task/") + d->d_name;
    std::ifstream comm(task + "/comm");
    std::string thread_name;
    if (!std::getline(comm, thread_name) || thread_name != name) {
      continue;
    }
    std::ifstream stat(task + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    long ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14 || i == 15) {
        ticks += std::stol(field);  // utime, stime
      }
    }
    found = static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  closedir(dir);
  return found;
}

struct latencies {
  std::vector<double> us;
  double worst() const { return us.empty() ? 0 : *std::max_element(us.begin(), us.end()); }
  double quantile(double q) {
    if (us.empty()) {
      return 0;
    }
    auto at = us.begin() + static_cast<long>(q * static_cast<double>(us.size() - 1));
    std::nth_element(us.begin(), at, us.end());
    return *at;
  }
};

// Reads the 1,000 steady keys in a loop until `stop`, timing each get().
latencies read_until(const atomkv::bucket& bucket, const std::atomic<bool>& stop) {
  latencies measured;
  measured.us.reserve(1 << 22);
  for (unsigned i = 0; !stop.load(std::memory_order_relaxed); ++i) {
    const std::string key = "steady:" + std::to_string(i % 1000);
    const auto start = clock_type::now();
    auto value = bucket.get(key);
    const auto took = clock_type::now() - start;
    if (!value || !value.value()) {
      std::fprintf(stderr, "steady key %s missing\n", key.c_str());
      std::exit(1);
    }
    measured.us.push_back(std::chrono::duration<double, std::micro>(took).count());
  }
  return measured;
}

std::int64_t integer(const atomkv::bucket& bucket, const atomkv::operation& op) {
  auto done = bucket.backend().apply(std::span<const atomkv::operation>(&op, 1));
  if (!done || done.value().size() != 1) {
    std::fprintf(stderr, "apply failed\n");
    std::exit(1);
  }
  return done.value().front().integer;
}

}  // namespace

int main(int argc, char** argv) {
  const long keys = argc > 1 ? std::atol(argv[1]) : 1000000;
  const long lifetime_ms = argc > 2 ? std::atol(argv[2]) : 1000;
  auto store = atomkv::connect("memory://").value();
  auto bucket = store.open("").value();
  auto bystander = store.open("bystander").value();  // reads the store's expired total
  for (int i = 0; i < 1000; ++i) {
    (void)bucket.set("steady:" + std::to_string(i), "value");
  }
  const long rss_before = rss_kib();

  // A quiet period: the reader alone, for comparison.
  std::atomic<bool> stop{false};
  latencies quiet;
  {
    std::thread reader([&] { quiet = read_until(bucket, stop); });
    std::this_thread::sleep_for(std::chrono::seconds(1));
    stop = true;
    reader.join();
  }

  const auto fill_started = clock_type::now();
  for (long i = 0; i < keys; ++i) {
    (void)bucket.set("expiring:" + std::to_string(i), "value", atomkv::expiry::after(lifetime_ms));
  }
  const std::int64_t last_deadline = atomkv::unix_time_ms() + lifetime_ms;
  const double fill_s = std::chrono::duration<double>(clock_type::now() - fill_started).count();
  const long rss_peak = rss_kib();
  const double cpu_before = thread_cpu_seconds("atomkv-expire");

  stop = false;
  latencies wave;
  std::thread reader([&] { wave = read_until(bucket, stop); });
  const auto expected = static_cast<std::int64_t>(keys);
  while (integer(bystander, atomkv::operation::expired_total()) < expected) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::int64_t emptied_at = atomkv::unix_time_ms();
  // A little more, so that the thread's end-of-wave trim is in the figures.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop = true;
  reader.join();
  const double cpu_after = thread_cpu_seconds("atomkv-expire");
  const long rss_after = rss_kib();
  const std::int64_t left = integer(bucket, atomkv::operation::count());

  std::printf("keys %ld, lifetime %ld ms, filled in %.2f s\n", keys, lifetime_ms, fill_s);
  std::printf("expiry thread CPU during the wave: %.3f s\n", cpu_after - cpu_before);
  std::printf("bucket empty %lld ms after the last deadline (keys left: %lld)\n",
              static_cast<long long>(emptied_at - last_deadline), static_cast<long long>(left));
  std::printf("get() quiet: %zu calls, p99.9 %.1f us, worst %.1f us\n", quiet.us.size(),
              quiet.quantile(0.999), quiet.worst());
  std::printf("get() during the wave: %zu calls, p99.9 %.1f us, worst %.1f us\n", wave.us.size(),
              wave.quantile(0.999), wave.worst());
  std::printf("VmRSS: before %ld KiB, peak %ld KiB, after %ld KiB\n", rss_before, rss_peak,
              rss_after);
  return left == 0 ? 0 : 1;
}
