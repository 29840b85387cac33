#include "loop_completions.hpp"

#include <uv.h>

#include <deque>
#include <mutex>
#include <vector>

namespace atomkv::common {
namespace detail {

class channel {
 public:
  std::mutex lock;
  std::vector<std::unique_ptr<arrival>> queue;
  // Taken from the queue and being delivered; used on the loop thread only.
  std::deque<std::unique_ptr<arrival>> in_hand;
  uv_async_t* handle = nullptr;       // null once detached
  loop_completions* owner = nullptr;  // used on the loop thread only; null once detached
  bool delivering_soon = false;       // the loop drains the queue before it waits again
};

bool post(channel& to, std::unique_ptr<arrival> a) {
  std::lock_guard guard(to.lock);
  if (to.handle == nullptr) {
    return false;
  }
  const bool wake = to.queue.empty() && !to.delivering_soon;
  to.queue.push_back(std::move(a));
  // Under the lock, so that detach cannot close the handle in between. One wake-up per batch:
  // the loop takes everything queued when it runs.
  if (wake) {
    uv_async_send(to.handle);
  }
  return true;
}

}  // namespace detail

namespace {

// The handle's memory lives until its close callback; it keeps the channel alive until then.
struct async_box {
  uv_async_t handle{};
  std::shared_ptr<detail::channel> channel;
};

void run_arrivals(detail::channel& from) {
  {
    std::lock_guard guard(from.lock);
    for (auto& a : from.queue) {
      from.in_hand.push_back(std::move(a));
    }
    from.queue.clear();
  }
  // A delivery may detach, even destroy, the owner: detach delivers the rest of the batch (their
  // outcomes are known) before it fails what is still pending, and nothing is left here.
  while (from.owner != nullptr && !from.in_hand.empty()) {
    std::unique_ptr<detail::arrival> next = std::move(from.in_hand.front());
    from.in_hand.pop_front();
    next->deliver(*from.owner);
  }
}

void on_wake(uv_async_t* handle) {
  auto* box = static_cast<async_box*>(handle->data);
  run_arrivals(*box->channel);
}

}  // namespace

loop_completions::~loop_completions() {
  if (attached()) {
    detach(error::other("the store was closed with calls pending"));
  }
}

result<void> loop_completions::attach(uv_loop_s* loop) {
  if (attached()) {
    return failure(error::other("already attached to an event loop"));
  }
  auto to = std::make_shared<detail::channel>();
  auto* box = new async_box{{}, to};
  if (int rc = uv_async_init(loop, &box->handle, &on_wake); rc != 0) {
    delete box;
    return failure(error::other(std::string("cannot wake the event loop: ") + uv_strerror(rc)));
  }
  box->handle.data = box;
  // Idle until a call is pending: an attached store alone does not keep the loop running.
  uv_unref(reinterpret_cast<uv_handle_t*>(&box->handle));
  to->handle = &box->handle;
  to->owner = this;
  channel_ = std::move(to);
  return outcome::success();
}

void loop_completions::deliver_after(const std::function<void()>& work) {
  std::shared_ptr<detail::channel> to = channel_;
  {
    std::lock_guard guard(to->lock);
    to->delivering_soon = true;
  }
  work();
  {
    std::lock_guard guard(to->lock);
    to->delivering_soon = false;
  }
  run_arrivals(*to);
}

void loop_completions::keep_loop_alive(bool alive) {
  if (!attached()) {
    return;  // detaching: the handle is being closed
  }
  auto* handle = reinterpret_cast<uv_handle_t*>(channel_->handle);
  if (alive) {
    uv_ref(handle);
  } else {
    uv_unref(handle);
  }
}

void loop_completions::detach(const error& why) {
  if (!attached()) {
    return;
  }
  std::shared_ptr<detail::channel> closing = std::move(channel_);  // attached() is false now
  uv_async_t* handle;
  {
    std::lock_guard guard(closing->lock);
    handle = std::exchange(closing->handle, nullptr);  // later posts are refused
  }
  run_arrivals(*closing);
  closing->owner = nullptr;  // for a batch being delivered further up the stack
  // Callbacks may start new calls; detached, those run the synchronous forms instead.
  auto still_pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, call] : still_pending) {
    call->fail(why);
  }
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(handle))) {
    uv_close(reinterpret_cast<uv_handle_t*>(handle),
             [](uv_handle_t* h) { delete static_cast<async_box*>(h->data); });
  }
}

}  // namespace atomkv::common
