#pragma once
// Replies that blocked clients get at a deadline (WAIT's timeout): one timer for all of them,
// armed for the earliest. A client blocks on at most one command at a time, so it has at most
// one timed reply; a client that closes cancels its own, so that nothing is kept for a client
// that blocked and left.

#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

namespace atomkv::proxy {

class timed_replies {
 public:
  timed_replies() = default;
  timed_replies(const timed_replies&) = delete;
  timed_replies& operator=(const timed_replies&) = delete;

  void start(uv_loop_t* loop);
  // Closes the timer (shutdown); replies still waiting are dropped with their clients.
  void close();

  // Runs `fire` once `delay_ms` have passed on the loop's clock, unless cancelled first.
  void add(std::uint64_t client_id, std::uint64_t delay_ms, std::function<void()> fire);
  void cancel(std::uint64_t client_id);
  std::size_t size() const { return by_client_.size(); }

 private:
  struct waiting {
    std::multimap<std::uint64_t, std::uint64_t>::iterator due;
    std::function<void()> fire;
  };
  static void on_timer(uv_timer_t* timer);
  void fire_due();
  void arm();

  uv_loop_t* loop_ = nullptr;
  uv_timer_t timer_{};
  bool open_ = false;
  std::multimap<std::uint64_t, std::uint64_t> by_due_;  // loop time (ms) -> client id
  std::unordered_map<std::uint64_t, waiting> by_client_;
};

}  // namespace atomkv::proxy
