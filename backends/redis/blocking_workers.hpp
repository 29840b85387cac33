#pragma once
// The blocking work of a cluster store attached to an event loop, off the loop: the calls that
// still go through the blocking pools (operations on the whole bucket, listings, keys of several
// slots) run on a few threads of their own, and each result is delivered on the loop
// (loop_completions.hpp). A master slow to answer then holds one of these threads, never the
// loop and every other client with it. Work waits in a queue when every thread is busy.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "atomkv/backend.hpp"
#include "common/loop_completions.hpp"

struct uv_loop_s;

namespace atomkv::redis {

class blocking_workers {
 public:
  using outcome = result<std::vector<op_result>>;
  // Runs on a worker thread: it must own what it uses, and hold nothing of the loop's.
  using job = std::function<outcome()>;

  blocking_workers(uv_loop_s* loop, std::size_t threads) : loop_(loop), threads_wanted_(threads) {}
  ~blocking_workers();
  blocking_workers(const blocking_workers&) = delete;
  blocking_workers& operator=(const blocking_workers&) = delete;

  // Loop thread. `work` runs on a worker thread, then `done` on the loop with its result.
  void run(job work, backend::apply_done done);
  // Loop thread. Final. Work not started fails with `why` (nothing of it ran); work running
  // fails with `why` and that its outcome is unknown, and is waited for (its result dropped).
  void stop(const error& why);

 private:
  struct queued {
    job work;
    common::completer<outcome> complete;
  };
  void work_loop();

  uv_loop_s* loop_;
  const std::size_t threads_wanted_;
  common::loop_completions completions_;
  bool stopped_ = false;  // loop thread
  std::mutex lock_;       // queue_, stopping_
  std::condition_variable wake_;
  std::deque<std::unique_ptr<queued>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // started on first use
};

}  // namespace atomkv::redis
