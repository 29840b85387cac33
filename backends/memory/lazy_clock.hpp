#pragma once
// The one clock reading of an operation or a batch, taken the first time something needs it, so
// that every operation of a batch sees the same time, and one that touches only keys without a
// deadline never reads the clock (a read of the system clock costs about as much as a whole get()).

#include <cstdint>

#include "atomkv/clock.hpp"

namespace atomkv::memory {

class lazy_clock {
 public:
  // Unix time in milliseconds, read at the first call.
  std::int64_t ms() {
    if (!taken_) {
      ms_ = unix_time_ms();
      taken_ = true;
    }
    return ms_;
  }

 private:
  std::int64_t ms_ = 0;
  bool taken_ = false;
};

}  // namespace atomkv::memory
