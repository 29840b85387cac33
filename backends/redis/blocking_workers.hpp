#pragma once
// The blocking work of a cluster store attached to an event loop, off the loop: the calls that
// still go through the blocking pools (operations on the whole bucket, listings) run on threads
// of their own, and each result is delivered on the loop
// (loop_completions.hpp). A master slow to answer then holds one of these threads, never the
// loop and every other client with it.
//
// Threads are started as work finds none idle, up to max_threads; beyond that work waits in a
// queue, at most `queue_wait`: fail_overdue() (on a timer of the owner) or the thread that takes
// it fails it then, with nothing of it run. A job that throws fails with an unknown outcome; a
// thread that cannot be started leaves the work to the others, or fails it if none runs. stop()
// never waits for the work running: the threads own what they use (the work owns its copies),
// finish it, find the workers stopped, and end; its result is dropped, and its call failed at
// stop().

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "atomkv/backend.hpp"
#include "common/loop_completions.hpp"

struct uv_loop_s;

namespace atomkv::redis {

class blocking_workers {
 public:
  using outcome = result<std::vector<op_result>>;
  // Runs on a worker thread: it must own what it uses, and hold nothing of the loop's.
  using job = std::function<outcome()>;

  blocking_workers(uv_loop_s* loop, std::size_t max_threads, std::chrono::milliseconds queue_wait);
  ~blocking_workers();
  blocking_workers(const blocking_workers&) = delete;
  blocking_workers& operator=(const blocking_workers&) = delete;

  // Loop thread. `work` runs on a worker thread, then `done` on the loop with its result. True
  // when it waits in the queue for a thread: fail_overdue() after queue_wait then fails it on
  // time if it still waits.
  bool run(job work, backend::apply_done done);
  // Loop thread. Fails the work that has waited for a thread as long as queue_wait; how long
  // until the next of the work still waiting is due, if any waits.
  std::optional<std::chrono::milliseconds> fail_overdue();
  std::chrono::milliseconds queue_wait() const;
  // Loop thread. Final. Work not started fails with `why` (nothing of it ran); work running
  // fails with `why` and that its outcome is unknown.
  void stop(const error& why);

 private:
  struct shared;  // what the threads share with the loop

  uv_loop_s* loop_;
  common::loop_completions completions_;
  std::shared_ptr<shared> shared_;
  bool stopped_ = false;  // loop thread
};

}  // namespace atomkv::redis
