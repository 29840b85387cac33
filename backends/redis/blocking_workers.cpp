#include "blocking_workers.hpp"

namespace atomkv::redis {

blocking_workers::~blocking_workers() {
  stop(error::other("redis cluster: the store was closed"));
}

void blocking_workers::run(job work, backend::apply_done done) {
  if (stopped_) {
    done(failure(error::other("redis cluster: not attached to an event loop")));
    return;
  }
  if (!completions_.attached()) {
    if (auto attached = completions_.attach(loop_); !attached) {
      done(failure(std::move(attached).error()));
      return;
    }
  }
  auto complete = completions_.expect<outcome>(std::move(done));
  {
    std::lock_guard guard(lock_);
    queue_.push_back(std::make_unique<queued>(queued{std::move(work), std::move(complete)}));
  }
  if (threads_.size() < threads_wanted_) {
    threads_.emplace_back([this] { work_loop(); });
  }
  wake_.notify_one();
}

void blocking_workers::work_loop() {
  for (;;) {
    std::unique_ptr<queued> next;
    {
      std::unique_lock guard(lock_);
      wake_.wait(guard, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;  // stop() has taken what was queued
      }
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next->complete(next->work());
    next.reset();  // what the work owns goes on this thread, before the next one
  }
}

void blocking_workers::stop(const error& why) {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  std::deque<std::unique_ptr<queued>> not_started;
  {
    std::lock_guard guard(lock_);
    stopping_ = true;
    not_started.swap(queue_);
  }
  wake_.notify_all();
  for (auto& item : not_started) {
    item->complete(failure(why));
  }
  not_started.clear();
  if (completions_.attached()) {
    // Delivers the failures above, then fails the work still running: it may have written.
    completions_.detach(error::other(why.message + "; the outcome is unknown"));
  }
  for (auto& thread : threads_) {
    thread.join();
  }
  threads_.clear();
}

}  // namespace atomkv::redis
