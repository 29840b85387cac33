#include "busy_poll.hpp"

namespace atomkv::proxy {

void busy_poll::start(uv_loop_t* loop, std::uint64_t window_us) {
  window_ns_ = window_us * 1000;
  uv_idle_init(loop, &keep_awake_);
  // Polling never keeps a loop alive that has nothing else to do (shutdown).
  uv_unref(reinterpret_cast<uv_handle_t*>(&keep_awake_));
  started_ = true;
}

void busy_poll::close() {
  if (started_) {
    started_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&keep_awake_), nullptr);
  }
}

void busy_poll::on_iteration() {
  if (window_ns_ == 0 || !started_) {
    return;
  }
  std::uint64_t now = uv_hrtime();
  if (input_seen_) {
    input_seen_ = false;
    last_input_ns_ = now;
    if (!awake_) {
      awake_ = true;
      uv_idle_start(&keep_awake_, [](uv_idle_t*) {});
    }
  } else if (awake_ && now - last_input_ns_ > window_ns_) {
    awake_ = false;
    uv_idle_stop(&keep_awake_);
  }
}

}  // namespace atomkv::proxy
