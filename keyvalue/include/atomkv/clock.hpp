#pragma once
// The clock of expiry: Unix time in milliseconds, the unit Redis stores deadlines in.

#include <chrono>
#include <cstdint>

namespace atomkv {

inline std::int64_t unix_time_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace atomkv
