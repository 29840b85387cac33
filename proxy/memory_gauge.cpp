#include "memory_gauge.hpp"

#include <unistd.h>

#include <fstream>

namespace atomkv::proxy {

std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) {
    return 0;
  }
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

std::uint64_t memory_gauge::resident(std::uint64_t now_ms) {
  if (!read_ || now_ms - read_at_ms_ >= kPeriodMs) {
    bytes_ = resident_bytes();
    grown_ = 0;
    read_at_ms_ = now_ms;
    read_ = true;
  }
  return bytes_ + grown_;
}

}  // namespace atomkv::proxy
