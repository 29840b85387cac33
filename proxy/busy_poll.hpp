#pragma once
// Keeps the event loop polling, instead of sleeping in epoll_wait, for a short while after a
// client's bytes arrive. Under load the next request then finds the loop awake: the client's
// write needs no wake-up of a sleeping server (a context switch here, and the cost of waking us
// charged to the client's CPU), which is most of the difference between a server that keeps up
// with its clients and one that keeps them waiting. An idle server sleeps as before.

#include <uv.h>

#include <cstdint>

namespace atomkv::proxy {

class busy_poll {
 public:
  // `window_us` 0: never poll, sleep as soon as nothing is ready.
  void start(uv_loop_t* loop, std::uint64_t window_us);
  void close();

  // A client's bytes arrived during this loop iteration.
  void note_input() { input_seen_ = true; }
  // Called once per iteration, after the loop has handled its I/O.
  void on_iteration();

 private:
  uv_idle_t keep_awake_{};  // while active, the loop polls without waiting
  std::uint64_t window_ns_ = 0;
  std::uint64_t last_input_ns_ = 0;
  bool input_seen_ = false;
  bool awake_ = false;
  bool started_ = false;
};

}  // namespace atomkv::proxy
