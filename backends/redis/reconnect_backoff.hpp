#pragma once
// After a failed connect, new connects are refused until a delay has passed (doubling from
// backoff_first to backoff_last, reset by the next success), so that a dead server costs each
// caller one fast error instead of a connect attempt. Times are libuv loop times in ms.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

#include "atomkv/error.hpp"
#include "redis_config.hpp"

namespace atomkv::redis {

class reconnect_backoff {
 public:
  // The error to fail a call with instead of connecting, if still backing off at `now`.
  std::optional<error> refusal(std::uint64_t now) const {
    if (!last_failure_ || now >= retry_at_) {
      return std::nullopt;
    }
    error refused = *last_failure_;
    refused.message += " (reconnecting with backoff)";
    return refused;
  }

  void failed(const error& why, std::uint64_t now, const config& settings) {
    delay_ =
        delay_.count() == 0 ? settings.backoff_first : std::min(delay_ * 2, settings.backoff_last);
    retry_at_ = now + static_cast<std::uint64_t>(delay_.count());
    last_failure_ = why;
  }

  void succeeded() {
    delay_ = std::chrono::milliseconds(0);
    last_failure_.reset();
  }

 private:
  std::optional<error> last_failure_;
  std::uint64_t retry_at_ = 0;
  std::chrono::milliseconds delay_{0};
};

}  // namespace atomkv::redis
