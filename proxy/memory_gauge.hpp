#pragma once
// The proxy's memory as maxmemory counts it: its resident set, which INFO shows as used_memory
// (the proxy does not count its allocations; the backend's data on memory:// is in it). Read
// afresh for every check, as Redis reads its used memory before every command: one pread of
// /proc/self/statm on a descriptor kept open, about 1 us, and only while maxmemory is set.

#include <cstdint>

namespace atomkv::proxy {

class memory_gauge {
 public:
  memory_gauge() = default;
  memory_gauge(const memory_gauge&) = delete;
  memory_gauge& operator=(const memory_gauge&) = delete;
  ~memory_gauge();

  // The resident bytes now; 0 when /proc cannot be read (no limit can then be enforced).
  std::uint64_t resident();

 private:
  int statm_ = -1;
  bool opened_ = false;
};

}  // namespace atomkv::proxy
