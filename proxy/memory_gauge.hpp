#pragma once
// The proxy's memory as maxmemory counts it: its resident set, which INFO shows as used_memory
// (the proxy does not count its allocations; the backend's data on memory:// is in it). Read from
// /proc at most once per sampling period, so that a check per command costs a comparison.

#include <cstdint>

namespace atomkv::proxy {

// The resident bytes now, from /proc/self/statm; 0 when it cannot be read.
std::uint64_t resident_bytes();

class memory_gauge {
 public:
  // The resident bytes, read again when the last reading is kPeriodMs or more before `now_ms`.
  std::uint64_t resident(std::uint64_t now_ms);

 private:
  static constexpr std::uint64_t kPeriodMs = 100;
  bool read_ = false;
  std::uint64_t read_at_ms_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace atomkv::proxy
