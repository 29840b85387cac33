#pragma once
// Is Redis still there? A TCP (or Unix socket) connect to its address, bounded by
// connect_timeout, and nothing else: the kernel completes the connect for a live Redis even while
// its one thread is busy with a long command (which would leave a PING unanswered), and refuses
// it, or lets it time out, when the process or its host is gone. The engine runs one while a
// call has waited long, to tell a slow Redis (keep waiting) from an unreachable one (give up).

#include <uv.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "redis_config.hpp"

namespace atomkv::redis {

class reachability_probe {
 public:
  // Called once, on the loop: nothing if the connect succeeded, else why it did not.
  using verdict_fn = std::function<void(std::optional<std::string> unreachable)>;

  // Starts one connect; `verdict` runs later, never from inside start().
  static std::shared_ptr<reachability_probe> start(uv_loop_t* loop, const config& settings,
                                                   verdict_fn verdict);
  ~reachability_probe();
  // The verdict will not be called; the attempt's handles close.
  void cancel();

  struct attempt;  // the libuv handles, freed by their close callbacks

 private:
  explicit reachability_probe(attempt* running) : running_(running) {}
  attempt* running_;
};

}  // namespace atomkv::redis
