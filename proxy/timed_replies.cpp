#include "timed_replies.hpp"

#include <cassert>
#include <limits>
#include <vector>

namespace atomkv::proxy {

void timed_replies::start(uv_loop_t* loop) {
  loop_ = loop;
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
  open_ = true;
}

void timed_replies::close() {
  if (open_) {
    open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
  }
  by_due_.clear();
  by_client_.clear();
}

void timed_replies::add(std::uint64_t client_id, std::uint64_t delay_ms,
                        std::function<void()> fire) {
  assert(by_client_.count(client_id) == 0);  // a blocked client sends nothing else meanwhile
  if (!open_) {
    return;  // shutting down: the client is about to be closed
  }
  const std::uint64_t now = uv_now(loop_);
  const std::uint64_t due = delay_ms > std::numeric_limits<std::uint64_t>::max() - now
                                ? std::numeric_limits<std::uint64_t>::max()
                                : now + delay_ms;
  auto at = by_due_.emplace(due, client_id);
  by_client_.emplace(client_id, waiting{at, std::move(fire)});
  arm();
}

void timed_replies::cancel(std::uint64_t client_id) {
  auto found = by_client_.find(client_id);
  if (found == by_client_.end()) {
    return;
  }
  by_due_.erase(found->second.due);
  by_client_.erase(found);
  arm();
}

void timed_replies::on_timer(uv_timer_t* timer) {
  static_cast<timed_replies*>(timer->data)->fire_due();
}

void timed_replies::fire_due() {
  const std::uint64_t now = uv_now(loop_);
  std::vector<std::function<void()>> due;
  while (!by_due_.empty() && by_due_.begin()->first <= now) {
    auto found = by_client_.find(by_due_.begin()->second);
    assert(found != by_client_.end());
    due.push_back(std::move(found->second.fire));
    by_client_.erase(found);
    by_due_.erase(by_due_.begin());
  }
  arm();
  for (auto& fire : due) {
    fire();
  }
}

void timed_replies::arm() {
  if (!open_) {
    return;
  }
  if (by_due_.empty()) {
    uv_timer_stop(&timer_);
    return;
  }
  const std::uint64_t now = uv_now(loop_);
  const std::uint64_t first = by_due_.begin()->first;
  uv_timer_start(&timer_, &timed_replies::on_timer, first > now ? first - now : 0, 0);
}

}  // namespace atomkv::proxy
