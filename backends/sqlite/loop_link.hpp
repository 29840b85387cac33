#pragma once
// A SQLite store's tie to an event loop (store::attach_loop).
//
// The asynchronous forms queue their requests for the group writer without waking its thread.
// At the end of each loop iteration (a uv_check handle, after the loop has read every socket that
// was ready) the loop thread commits everything queued as one group and runs the callbacks at
// once: one thread and one fsync per iteration, as Redis does appendfsync always, with no
// hand-off between threads per group. The writer thread still takes a group when it is at work
// already (a synchronous caller's group), when another process holds the file's write lock (the
// loop never waits for a lock), or when the last commit was slow (group_writer.hpp).
//
// A uv_idle handle, started whenever a request is queued, keeps the loop from sleeping before
// its check has run: requests queued outside the I/O phase (a timer, a callback run by the
// check itself) are committed without waiting for the next event.

#include <cstdint>
#include <functional>
#include <memory>

#include "atomkv/result.hpp"
#include "common/loop_completions.hpp"
#include "database.hpp"

struct uv_loop_s;

namespace atomkv::sqlite {

class loop_link : public std::enable_shared_from_this<loop_link> {
 public:
  explicit loop_link(std::shared_ptr<database> db) : db_(std::move(db)) {}
  loop_link(const loop_link&) = delete;
  loop_link& operator=(const loop_link&) = delete;
  ~loop_link();

  // Loop thread. See store::attach_loop / detach_loop; `why` fails the calls still pending.
  result<void> attach(uv_loop_s* loop);
  void detach(const error& why);
  bool attached() const { return completions_.attached(); }

  // Loop thread, while attached: as loop_completions::expect.
  template <class R>
  common::completer<R> expect(std::function<void(R)> done) {
    return completions_.expect<R>(std::move(done));
  }

  // Loop thread, while attached: a request was queued with committer::queuing_loop.
  void queued();

  struct handles;  // the loop's handles (loop_link.cpp)

 private:
  void commit_queued();

  std::shared_ptr<database> db_;
  common::loop_completions completions_;
  handles* handles_ = nullptr;  // owned by the loop until their close callbacks
};

}  // namespace atomkv::sqlite
