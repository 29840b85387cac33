#pragma once
// A cheap clock for timing each command (INFO commandstats): the CPU's time-stamp counter where
// there is one (a few nanoseconds to read, where clock_gettime took 40 ns on a KVM guest and two
// reads per command cost several percent of pipelined throughput), else the steady clock.
// Counts become microseconds by the rate measured between two points in time (cycle_rate).

#include <chrono>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace atomkv::proxy {

inline std::uint64_t cycle_count() {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

// Counts per microsecond, measured from a point taken earlier (at start-up) to now.
struct cycle_rate {
  std::uint64_t start_cycles = cycle_count();
  std::chrono::steady_clock::time_point start_time = std::chrono::steady_clock::now();

  double per_microsecond() const {
    const auto cycles = static_cast<double>(cycle_count() - start_cycles);
    const auto usec =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start_time)
            .count();
    return usec > 0 && cycles > 0 ? cycles / usec : 1.0;
  }
};

}  // namespace atomkv::proxy
