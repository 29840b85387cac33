#pragma once
// Completions of work done on other threads, delivered on a libuv loop's thread.
//
// A backend that hands work to its own threads registers each call's callback here, on the loop
// thread, and gives the work a completer instead. The completer may run on any thread: it posts
// the outcome (a uv_async_t plus a locked queue, drained on the loop) and the callback runs on
// the loop. Callbacks never leave the loop thread, so nothing they hold (a proxy client, say) is
// used or destroyed anywhere else.
//
// detach() runs what has arrived (the rest of a batch it was called from included), fails every
// call still pending, and closes the handle; a completer that finishes later is ignored, so
// nothing touches the loop after detach().

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <utility>

#include "atomkv/result.hpp"

struct uv_loop_s;

namespace atomkv::common {

class loop_completions;

namespace detail {

// An outcome posted by a completer, run on the loop.
struct arrival {
  virtual ~arrival() = default;
  virtual void deliver(loop_completions& on_loop) = 0;
};

// What completers share with the loop: the queue and the async handle that wakes the loop.
class channel;

// Queues `a` for the loop; false (and `a` is dropped on this thread) once detached.
bool post(channel& to, std::unique_ptr<arrival> a);

}  // namespace detail

// Finishes one registered call, from any thread, at most once.
template <class R>
class completer {
 public:
  completer(std::shared_ptr<detail::channel> to, std::uint64_t id) : to_(std::move(to)), id_(id) {}
  void operator()(R outcome) const;

 private:
  std::shared_ptr<detail::channel> to_;
  std::uint64_t id_;
};

class loop_completions {
 public:
  loop_completions() = default;
  loop_completions(const loop_completions&) = delete;
  loop_completions& operator=(const loop_completions&) = delete;
  ~loop_completions();  // detaches if still attached (on the loop thread, then)

  // Loop thread. Delivers on `loop` from now on; attaching to a second loop is an error.
  result<void> attach(uv_loop_s* loop);
  // Loop thread. See the header comment; calls still pending fail with `why`. The callbacks it
  // runs may detach again (nothing happens) but must not destroy this object.
  void detach(const error& why);
  bool attached() const { return channel_ != nullptr; }

  // Loop thread, while attached. `done` runs on the loop once the completer is called (or with
  // `why` at detach). The loop is kept alive only while some call is pending.
  template <class R>
  completer<R> expect(std::function<void(R)> done) {
    const std::uint64_t id = next_id_++;
    pending_.emplace(id, std::make_unique<pending_call<R>>(std::move(done)));
    if (pending_.size() == 1) {
      keep_loop_alive(true);
    }
    return completer<R>(channel_, id);
  }

  // Loop thread, while attached. Runs `work`, then delivers every outcome posted so far: those
  // that `work` posted on this thread cost no wake-up of the loop.
  void deliver_after(const std::function<void()>& work);

  // Loop thread: the call `id` has its outcome.
  template <class R>
  void finish(std::uint64_t id, R outcome) {
    auto found = pending_.find(id);
    if (found == pending_.end()) {
      return;  // already failed by a detach
    }
    std::unique_ptr<pending_base> call = std::move(found->second);
    pending_.erase(found);
    if (pending_.empty()) {
      keep_loop_alive(false);
    }
    static_cast<pending_call<R>&>(*call).done(std::move(outcome));
  }

 private:
  struct pending_base {
    virtual ~pending_base() = default;
    virtual void fail(const error& why) = 0;
  };
  template <class R>
  struct pending_call final : pending_base {
    explicit pending_call(std::function<void(R)> d) : done(std::move(d)) {}
    void fail(const error& why) override { done(failure(why)); }
    std::function<void(R)> done;
  };

  void keep_loop_alive(bool alive);

  std::shared_ptr<detail::channel> channel_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::unique_ptr<pending_base>> pending_;
};

template <class R>
void completer<R>::operator()(R outcome) const {
  struct finished final : detail::arrival {
    finished(std::uint64_t i, R o) : id(i), outcome(std::move(o)) {}
    void deliver(loop_completions& on_loop) override { on_loop.finish<R>(id, std::move(outcome)); }
    std::uint64_t id;
    R outcome;
  };
  detail::post(*to_, std::make_unique<finished>(id_, std::move(outcome)));
}

}  // namespace atomkv::common
