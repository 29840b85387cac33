#include "blocking_workers.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

namespace atomkv::redis {
namespace {

error overdue(std::chrono::milliseconds queue_wait) {
  return error::other("redis cluster: no worker thread free within " +
                      std::to_string(queue_wait.count()) +
                      " ms (every one waits on a node); nothing applied");
}

blocking_workers::outcome run_guarded(const blocking_workers::job& work) {
  try {
    return work();
  } catch (const std::exception& e) {
    return failure(
        error::other(std::string("redis cluster: ") + e.what() + "; the outcome is unknown"));
  } catch (...) {
    return failure(error::other("redis cluster: the work failed; the outcome is unknown"));
  }
}

}  // namespace

struct blocking_workers::shared {
  struct queued {
    job work;
    common::completer<outcome> complete;
    std::chrono::steady_clock::time_point take_by;
  };

  shared(std::size_t max, std::chrono::milliseconds wait) : max_threads(max), queue_wait(wait) {}

  const std::size_t max_threads;
  const std::chrono::milliseconds queue_wait;
  std::mutex lock;  // everything below
  std::condition_variable wake;
  std::deque<std::unique_ptr<queued>> queue;
  std::size_t threads = 0;
  std::size_t idle = 0;
  bool stopping = false;

  // A worker thread's life: it holds `self`, so the state outlives the workers object.
  static void work_loop(const std::shared_ptr<shared>& self) {
    for (;;) {
      std::unique_ptr<queued> next;
      {
        std::unique_lock guard(self->lock);
        ++self->idle;
        self->wake.wait(guard, [&] { return self->stopping || !self->queue.empty(); });
        --self->idle;
        if (self->stopping) {
          --self->threads;
          return;  // stop() has taken what was queued
        }
        next = std::move(self->queue.front());
        self->queue.pop_front();
      }
      if (std::chrono::steady_clock::now() >= next->take_by) {
        next->complete(failure(overdue(self->queue_wait)));
      } else {
        next->complete(run_guarded(next->work));
      }
      next.reset();  // what the work owns goes on this thread, before the next one
    }
  }
};

blocking_workers::blocking_workers(uv_loop_s* loop, std::size_t max_threads,
                                   std::chrono::milliseconds queue_wait)
    : loop_(loop), shared_(std::make_shared<shared>(max_threads, queue_wait)) {}

blocking_workers::~blocking_workers() {
  stop(error::other("redis cluster: the store was closed"));
}

bool blocking_workers::run(job work, backend::apply_done done) {
  if (stopped_) {
    done(failure(error::other("redis cluster: not attached to an event loop")));
    return false;
  }
  if (!completions_.attached()) {
    if (auto attached = completions_.attach(loop_); !attached) {
      done(failure(std::move(attached).error()));
      return false;
    }
  }
  auto complete = completions_.expect<outcome>(std::move(done));
  bool start_thread = false;
  bool waits = false;
  {
    std::lock_guard guard(shared_->lock);
    shared_->queue.push_back(std::make_unique<shared::queued>(
        shared::queued{std::move(work), std::move(complete),
                       std::chrono::steady_clock::now() + shared_->queue_wait}));
    if (shared_->queue.size() > shared_->idle) {
      start_thread = shared_->threads < shared_->max_threads;
      shared_->threads += start_thread ? 1 : 0;
      waits = !start_thread;
    }
  }
  if (start_thread) {
    try {
      std::thread([state = shared_] { shared::work_loop(state); }).detach();
    } catch (...) {  // std::system_error, or std::bad_alloc
      // Out of threads: the work waits for one of ours, or fails now if none runs.
      std::unique_ptr<shared::queued> orphan;
      {
        std::lock_guard guard(shared_->lock);
        --shared_->threads;
        waits = shared_->threads > 0;
        if (!waits) {
          orphan = std::move(shared_->queue.back());
          shared_->queue.pop_back();
        }
      }
      if (orphan) {
        orphan->complete(failure(
            error::other("redis cluster: could not start a worker thread; nothing applied")));
        return false;
      }
    }
  }
  shared_->wake.notify_one();
  return waits;
}

std::optional<std::chrono::milliseconds> blocking_workers::fail_overdue() {
  std::deque<std::unique_ptr<shared::queued>> overdue_work;
  std::optional<std::chrono::milliseconds> next_due;
  {
    std::lock_guard guard(shared_->lock);
    const auto now = std::chrono::steady_clock::now();
    for (auto it = shared_->queue.begin(); it != shared_->queue.end();) {
      if (now >= (*it)->take_by) {
        overdue_work.push_back(std::move(*it));
        it = shared_->queue.erase(it);
        continue;
      }
      // Rounded up: a timer that fires on time finds it due.
      const auto left = std::chrono::ceil<std::chrono::milliseconds>((*it)->take_by - now);
      next_due = next_due ? std::min(*next_due, left) : left;
      ++it;
    }
  }
  for (auto& item : overdue_work) {
    item->complete(failure(overdue(shared_->queue_wait)));
  }
  return next_due;
}

std::chrono::milliseconds blocking_workers::queue_wait() const {
  return shared_->queue_wait;
}

void blocking_workers::stop(const error& why) {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  std::deque<std::unique_ptr<shared::queued>> not_started;
  {
    std::lock_guard guard(shared_->lock);
    shared_->stopping = true;
    not_started.swap(shared_->queue);
  }
  shared_->wake.notify_all();
  for (auto& item : not_started) {
    item->complete(failure(why));
  }
  not_started.clear();
  if (completions_.attached()) {
    // Delivers the failures above, then fails the work still running: it may have written.
    completions_.detach(error::other(why.message + "; the outcome is unknown"));
  }
}

}  // namespace atomkv::redis
