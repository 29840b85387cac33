#pragma once
// Group commit. Every write of this process to one file goes through one writer thread with one
// connection: it takes every request queued so far (up to max_group), runs them all in one
// BEGIN IMMEDIATE ... COMMIT, and only then completes them. Requests that arrive while a group is
// being committed (its fsync, at synchronous=FULL) form the next group, so the number of fsyncs
// follows the number of groups, not the number of operations. When far fewer wait than the last
// group held, the writer first gives the rest of the burst a moment (under 1 ms) to arrive.
//
// Callers either wait (submit: the synchronous forms) or are called back once the group has
// committed (submit_async, run_async: the event loop's forms). An event loop may commit the
// requests it queued itself, at the end of its iteration (commit_queued_here), as Redis does its
// appendfsync-always write: one thread, no hand-off per group. The writer thread takes over when
// it is at work already or another process holds the file's write lock.
//
// Each request keeps its own semantics inside the group: a conditional request (a transaction's
// commit) whose watched keys moved writes nothing and reports a conflict; a request of several
// operations runs inside a SAVEPOINT, so that a SQLite error undoes that request alone.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "connection.hpp"
#include "pending_rows.hpp"
#include "rows.hpp"
#include "sqlite_config.hpp"
#include "watch_set.hpp"

namespace atomkv::sqlite {

// Counters for tests and metrics.
struct writer_stats {
  std::uint64_t groups = 0;         // write transactions of requests committed
  std::uint64_t caller_groups = 0;  // of those, committed by a caller (commit_queued_here)
  std::uint64_t requests = 0;       // requests completed by those transactions
  std::uint64_t queued = 0;         // requests waiting for the writer now
  std::uint64_t running = 0;        // requests in the group being committed now
  bool thread_asleep = false;       // the writer thread waits to be woken
};

class group_writer {
 public:
  using outcome_type = result<std::optional<std::vector<op_result>>>;
  // Runs on the writer thread once the request's group has committed (or failed).
  using finished = std::function<void(outcome_type&&)>;
  // Work inside the writer's transaction beyond the contract's operations (a watch, a page of
  // keys), seeing the effects of every request before it. Only the commit makes it count.
  using job = std::function<result<void>(rows& bucket, const write_clock& clock)>;

  static result<std::unique_ptr<group_writer>> start(const config& settings);
  ~group_writer();  // completes what is queued, then stops

  // Runs `ops` on `bucket` in the next group and waits for its commit. With `watches`, the
  // request is conditional: an empty optional when a watched key moved (nothing written).
  outcome_type submit(std::string_view bucket, std::span<const watched_key> watches,
                      std::span<const operation> ops);

  // Who commits an asynchronous request: the writer thread, woken for it, or the event loop
  // that queued it, which calls commit_queued_here() before its iteration ends.
  enum class committer : std::uint8_t { writer_thread, queuing_loop };

  // As submit, without waiting: `done` gets the outcome. With `watches`, the request is
  // conditional on the watches the set holds when the writer reaches it, and releases them.
  void submit_async(std::string_view bucket, std::shared_ptr<watch_set> watches,
                    std::span<const operation> ops, finished done,
                    committer by = committer::writer_thread);

  // Runs `work` in the next group; `done` gets an empty list of results once that commits.
  // `needs_table`: the work runs a statement over many rows (a listing), which merges the log.
  void run_async(std::string_view bucket, job work, finished done,
                 committer by = committer::writer_thread, bool needs_table = false);

  // Commits what is queued as one group on the calling thread (`done` callbacks run here too),
  // unless the writer thread is at work (it takes the queue after its group), the file's write
  // lock is held by another process (the writer thread then takes over and waits for it: the
  // caller never waits for a lock), or the last commit was slow (over a millisecond: a slow
  // fsync). Then the writer thread commits while the caller's loop goes on reading, so the next
  // group forms during this one's fsync. Returns whether requests are still queued for the
  // caller to commit (more than one group holds).
  bool commit_queued_here();

  // Wakes the writer thread to commit whatever is queued.
  void wake_writer_thread();

  writer_stats stats() const;

 private:
  struct request;

  group_writer(const config& settings, std::unique_ptr<connection> c, bool has_deadlines);
  static std::shared_ptr<request> make_request(std::string_view bucket,
                                               std::span<const operation> ops);
  bool enqueue(std::shared_ptr<request> r, committer by);  // false when the writer is stopping
  void run();
  void gather(std::unique_lock<std::mutex>& guard);
  // False only when `may_wait` is false and the write lock was taken: nothing ran then. With
  // `merge`, the log is merged into the table first, whatever its size.
  bool commit_group(std::vector<std::shared_ptr<request>>& group, bool may_wait,
                    bool merge = false);
  // The group's writes as log rows (inside its transaction); the last log id written.
  result<std::int64_t> append_log(const std::vector<std::pair<std::string, key_image>>& images);
  outcome_type run_request(request& r, write_clock& clock);
  result<void> purge_tombstones(write_clock& clock);
  result<void> purge_expired(write_clock& clock);
  bool any_due();  // whether some row of the table is past its deadline
  // Whether the next group should merge the log first (by its size, or for the purges).
  bool merge_due() const;
  // Whether `op` runs a statement over many rows of the table, so needs the log merged first.
  static bool statement_over_rows(const operation& op);
  // Whether no group has committed for `span`: an idle writer merges the log then (and when
  // deadlines are due; otherwise by size or count).
  bool quiet_for(std::chrono::steady_clock::duration span) const;

  config settings_;
  std::unique_ptr<connection> c_;  // used by whoever commits a group, one at a time
  pending_rows pending_;           // the group's reads and writes until its log row

  mutable std::mutex lock_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<request>> queue_;
  bool stopping_ = false;
  std::size_t gather_target_ = 0;  // queue size that ends the writer's wait for more, if waiting
  bool thread_at_work_ = true;     // the writer thread is starting, gathering or committing
  bool caller_at_work_ = false;    // a caller is committing a group (commit_queued_here)
  std::chrono::steady_clock::duration last_commit_{};  // the last group's, whoever committed it

  // Written and read by the writer thread only. The connection and the purge count are used by
  // whoever commits a group: the flags above make that one thread at a time.
  std::size_t last_group_size_ = 0;

  std::atomic<std::uint64_t> groups_{0};
  std::atomic<std::uint64_t> caller_groups_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> running_{0};
  std::uint64_t groups_since_purge_ = 0;
  std::uint64_t groups_since_merge_ = 0;
  // The last purge of expired rows met its limit, or deadlines were found due: merge again.
  bool expired_behind_ = false;
  std::chrono::steady_clock::time_point last_due_check_{};  // by a client's group
  bool last_purge_full_ = false;  // the last purge_expired met its batch limit
  // Whether the file may hold deadlines: until then the idle writer thread sleeps until woken.
  std::atomic<bool> may_have_deadlines_{false};
  // Whether this writer's log overlay holds images: the idle writer thread merges them.
  std::atomic<bool> log_unmerged_{false};
  std::atomic<std::chrono::steady_clock::rep> last_group_at_{0};  // of the last commit
  std::thread thread_;
};

}  // namespace atomkv::sqlite
