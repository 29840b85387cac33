// Active expiry on memory:// under a wave: KEYS keys (1,000,000 by default) set with a lifetime of
// LIFETIME_MS (1000), then left alone until the store's expiry thread has reclaimed them all,
// while a reader thread calls get() on 1,000 other keys without a pause.
//
//   expiry_bench [KEYS] [LIFETIME_MS]
//
// Prints: the expiry thread's CPU seconds from the first set to the last reclaim (from /proc, the
// thread is named atomkv-expire), how long after the last deadline every key was reclaimed, the
// reader's get() latency (quantiles, worst, calls over 1 ms) from the last set to the last
// reclaim and during a quiet period before the sets, and VmRSS before the keys, after the sets,
// at the peak (VmHWM), and once they are gone.

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// get() latencies in a small fixed histogram (8 bins per power of two of nanoseconds), so that the
// bench's own memory does not hide the store's in the RSS figures.
class latencies {
 public:
  void add(std::chrono::nanoseconds took) {
    const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(took.count(), 1));
    const int msb = 63 - __builtin_clzll(ns);
    const int sub = msb >= 3 ? static_cast<int>((ns >> (msb - 3)) & 7) : 0;
    ++bins_[msb * 8 + sub];
    ++calls_;
    worst_ = std::max(worst_, ns);
    if (ns > 1000000) {
      ++over_1ms_;
    }
  }
  std::uint64_t calls() const { return calls_; }
  std::uint64_t over_1ms() const { return over_1ms_; }
  double worst_us() const { return static_cast<double>(worst_) / 1000.0; }
  // The lower bound of the bin holding quantile q, in microseconds.
  double quantile_us(double q) const {
    const auto wanted = static_cast<std::uint64_t>(q * static_cast<double>(calls_));
    std::uint64_t seen = 0;
    for (int i = 0; i < 64 * 8; ++i) {
      seen += bins_[i];
      if (seen > wanted) {
        const int msb = i / 8;
        const std::uint64_t low =
            msb >= 3 ? (std::uint64_t{1} << msb) | (std::uint64_t(i % 8) << (msb - 3)) : 1;
        return static_cast<double>(low) / 1000.0;
      }
    }
    return worst_us();
  }

 private:
  std::uint64_t bins_[64 * 8] = {};
  std::uint64_t calls_ = 0;
  std::uint64_t over_1ms_ = 0;
  std::uint64_t worst_ = 0;
};

// Reads the 1,000 steady keys in a loop until `stop`, timing each get().
void read_until(const atomkv::bucket& bucket, const std::atomic<bool>& stop, latencies& out) {
  for (unsigned i = 0; !stop.load(std::memory_order_relaxed); ++i) {
    const std::string key = "steady:" + std::to_string(i % 1000);
    const auto start = clock_type::now();
    auto value = bucket.get(key);
    out.add(clock_type::now() - start);
    if (!value || !value.value()) {
      std::fprintf(stderr, "steady key %s missing\n", key.c_str());
      std::exit(1);
    }
  }
}

void print(const char* when, const latencies& l) {
  std::printf(
      "get() %s: %llu calls, p99 %.1f us, p99.9 %.1f us, p99.99 %.1f us, worst %.1f us, "
      "over 1 ms: %llu\n",
      when, static_cast<unsigned long long>(l.calls()), l.quantile_us(0.99), l.quantile_us(0.999),
      l.quantile_us(0.9999), l.worst_us(), static_cast<unsigned long long>(l.over_1ms()));
}

long status_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) {
      return std::strtol(line.c_str() + std::strlen(field), nullptr, 10);
    }
  }
  return -1;
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
  const long rss_before = status_kib("VmRSS:");

  // A quiet period: the reader alone, for comparison.
  std::atomic<bool> stop{false};
  latencies quiet;
  {
    std::thread reader([&] { read_until(bucket, stop, quiet); });
    std::this_thread::sleep_for(std::chrono::seconds(2));
    stop = true;
    reader.join();
  }

  // The keys, then the wave: from the last set to the last key reclaimed, the reader reads
  // without a pause (a lifetime shorter than the time the sets take puts part of the wave before
  // it; the expiry thread's CPU counts from the first set).
  const double cpu_before = thread_cpu_seconds("atomkv-expire");
  const auto fill_started = clock_type::now();
  for (long i = 0; i < keys; ++i) {
    (void)bucket.set("expiring:" + std::to_string(i), "value", atomkv::expiry::after(lifetime_ms));
  }
  const std::int64_t last_deadline = atomkv::unix_time_ms() + lifetime_ms;
  const double fill_s = std::chrono::duration<double>(clock_type::now() - fill_started).count();
  const long rss_full = status_kib("VmRSS:");
  stop = false;
  latencies wave;
  std::thread reader([&] { read_until(bucket, stop, wave); });
  const auto expected = static_cast<std::int64_t>(keys);
  while (integer(bystander, atomkv::operation::expired_total()) < expected) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::int64_t emptied_at = atomkv::unix_time_ms();
  // A little more, so that the thread's end-of-wave trim is in the figures.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  reader.join();
  const double cpu_after = thread_cpu_seconds("atomkv-expire");
  const long rss_after = status_kib("VmRSS:");
  const long rss_peak = status_kib("VmHWM:");
  const std::int64_t left = integer(bucket, atomkv::operation::count()) - 1000;

  std::printf("keys %ld, lifetime %ld ms, set in %.2f s\n", keys, lifetime_ms, fill_s);
  std::printf("expiry thread CPU from the first set to the last reclaim: %.3f s\n",
              cpu_after - cpu_before);
  std::printf("every key reclaimed %lld ms after the last deadline (expiring keys left: %lld)\n",
              static_cast<long long>(emptied_at - last_deadline), static_cast<long long>(left));
  print("quiet, 2 s", quiet);
  print("during the wave", wave);
  std::printf(
      "VmRSS: before %ld KiB, after the sets %ld KiB, peak (VmHWM) %ld KiB, after %ld KiB\n",
      rss_before, rss_full, rss_peak, rss_after);
  return left == 0 ? 0 : 1;
}
