#pragma once
// Wall-clock time as Redis keeps deadlines: Unix milliseconds.

#include <chrono>

namespace atomkv::testing {

inline long long unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace atomkv::testing
