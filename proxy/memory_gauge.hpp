#pragma once
// The proxy's memory as maxmemory counts it: its resident set, which INFO shows as used_memory
// (the proxy does not count its allocations; the backend's data on memory:// is in it). Read from
// /proc at most once per sampling period, so that a check per command costs a comparison; the
// bytes of the commands admitted since the last reading are added to it, so that one client
// cannot write past the limit between two readings.

#include <cstdint>

namespace atomkv::proxy {

// The resident bytes now, from /proc/self/statm; 0 when it cannot be read.
std::uint64_t resident_bytes();

class memory_gauge {
 public:
  // The resident bytes, read again when the last reading is kPeriodMs or more before `now_ms`,
  // plus what note_growth added since that reading.
  std::uint64_t resident(std::uint64_t now_ms);
  // A command that may add `bytes` to memory was admitted.
  void note_growth(std::uint64_t bytes) { grown_ += bytes; }

 private:
  static constexpr std::uint64_t kPeriodMs = 100;
  bool read_ = false;
  std::uint64_t read_at_ms_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t grown_ = 0;  // since the reading
};

}  // namespace atomkv::proxy
