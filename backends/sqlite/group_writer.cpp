#include "group_writer.hpp"

#include <algorithm>

#include "atomkv/clock.hpp"
#include "atomkv/kept_operations.hpp"
#include "schema.hpp"

namespace atomkv::sqlite {
namespace {

// The purges read the table alone, so they run only in groups where the log is merged (see
// kMergeEvery below). Tombstones are purged in such a group once this many groups have passed
// (the purge is one indexed DELETE).
constexpr std::uint64_t kPurgeEvery = 256;

// Each such group turns at most this many rows past their deadline into tombstones (expired
// keys): a bounded cost per commit, however many keys expire at once.
constexpr std::int64_t kPurgeExpiredBatch = 500;

// The writer looks this often for deadlines that passed (merging the log first when some have,
// for the purges), and merges the log once no group has committed for as long.
constexpr std::chrono::milliseconds kIdlePurgeEvery{100};

// After a commit, a writer that had to wait for the file's lock (another process writes too)
// pauses this long before its next BEGIN IMMEDIATE, so the other process gets the lock in turn.
constexpr std::chrono::microseconds kYieldToOtherProcess{300};

// The longest a writer waits for more requests before starting a group.
constexpr std::chrono::steady_clock::duration kMostGatherWait = std::chrono::milliseconds(1);

// The log is merged into the table at the start of a group once it holds this many images or
// bytes of them (log_overlay.hpp): each merge rewrites every page those keys are on, so the
// larger the batch, the fewer times a page is rewritten; the cost is the one group that merges
// (bench/proxy/expiry.sh, 100,000 keys at -P 16: 16,384 images per merge made 62,000 SET/s,
// 65,536 with the page cache below 100,000).
constexpr std::size_t kMergeImages = 65536;
constexpr std::size_t kMergeBytes = 8 << 20;

// The writer's page cache (SQLite's cache_size, in KiB when negative; taken as pages are read):
// a merge dirties the pages of every key in the log, and a cache too small for them makes SQLite
// spill dirty pages to the WAL before the commit and read others back from the file.
constexpr const char* kWriterCacheSize = "PRAGMA cache_size = -65536";
// The purges read the table alone, so they run in groups that merged: at least this often, and
// in every group while the last purge of expired rows met its batch limit.
constexpr std::uint64_t kMergeEvery = 1024;

// A log row holds at most about this many bytes of images; a group writing more takes several.
constexpr std::size_t kMostLogRowBytes = 16 << 20;

// Merges what the file's log holds into the table (on open, so that the deadlines it holds are
// seen by the first look for them).
result<void> merge_log(connection& c) {
  BOOST_OUTCOME_TRY(c.run(sql::begin_write));
  auto merged = [&]() -> result<void> {
    BOOST_OUTCOME_TRY(c.overlay().catch_up(c));
    return c.overlay().merge(c);
  }();
  if (merged) {
    merged = c.run(sql::commit);
  }
  if (!merged) {
    (void)c.run(sql::rollback);
    c.overlay().rolled_back();
    return merged;
  }
  c.overlay().applied(0, {});
  return outcome::success();
}

// A commit slower than this (fsync on a busy disk) goes to the writer thread rather than hold
// the caller's event loop; cheaper ones are quicker done where the requests were read.
constexpr std::chrono::steady_clock::duration kSlowCommit = std::chrono::milliseconds(1);

}  // namespace

// The request owns copies of its keys and values: a caller that timed out may be gone when the
// writer reaches it.
struct group_writer::request {
  std::string bucket;
  std::vector<watched_key> watches;
  std::shared_ptr<watch_set> watch_source;  // read when the writer reaches the request
  job work;
  kept_operations kept;             // the caller's operations, with every byte they point to
  std::span<const operation> ops;   // kept's
  bool writes_one_key_each = true;  // each operation writes one key at most
  bool needs_table = false;         // reads or writes many rows at once: merges the log first

  finished on_done;  // if set, called instead of waking a waiting caller
  std::mutex lock;
  std::condition_variable done_signal;
  bool done = false;
  outcome_type outcome = failure(error::other("sqlite: request not run"));

  void complete(outcome_type result) {
    if (on_done) {
      on_done(std::move(result));
      return;
    }
    std::lock_guard guard(lock);
    outcome = std::move(result);
    done = true;
    done_signal.notify_one();
  }
};

result<std::unique_ptr<group_writer>> group_writer::start(const config& settings) {
  BOOST_OUTCOME_TRY(c, connection::open(settings.path, settings.busy_timeout));
  auto prepared = prepare_file(*c, settings.synchronous == config::sync_level::full);
  if (prepared) {
    prepared = c->exec(kWriterCacheSize);
  }
  if (!prepared) {
    return failure(error::no_such_store("sqlite: cannot use '" + settings.path +
                                        "': " + prepared.error().message));
  }
  if (auto merged = merge_log(*c); !merged) {
    return failure(error::no_such_store("sqlite: cannot use '" + settings.path +
                                        "': " + merged.error().message));
  }
  bool deadlines = false;
  {
    BOOST_OUTCOME_TRY(q, c->prepare(sql::any_deadline));
    deadlines = q.step() == SQLITE_ROW;
  }
  return std::unique_ptr<group_writer>(new group_writer(settings, std::move(c), deadlines));
}

group_writer::group_writer(const config& settings, std::unique_ptr<connection> c,
                           bool has_deadlines)
    : settings_(settings),
      c_(std::move(c)),
      may_have_deadlines_(has_deadlines),
      thread_([this] { run(); }) {}

group_writer::~group_writer() {
  {
    std::lock_guard guard(lock_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

writer_stats group_writer::stats() const {
  writer_stats s;
  s.groups = groups_.load();
  s.caller_groups = caller_groups_.load();
  s.requests = requests_.load();
  s.running = running_.load();
  std::lock_guard guard(lock_);
  s.queued = queue_.size();
  s.thread_asleep = !thread_at_work_;  // set under the lock the thread releases as it waits
  return s;
}

std::shared_ptr<group_writer::request> group_writer::make_request(std::string_view bucket,
                                                                  std::span<const operation> ops) {
  auto r = std::make_shared<request>();
  r->bucket.assign(bucket);
  r->kept = kept_operations(ops);
  r->ops = r->kept.ops();
  for (const auto& op : r->ops) {
    if (op.what == operation::kind::set_if_none_exist || op.what == operation::kind::rename ||
        op.removes_source || op.what == operation::kind::swap_databases) {
      r->writes_one_key_each = false;
    }
    r->needs_table = r->needs_table || statement_over_rows(op);
  }
  return r;
}

bool group_writer::enqueue(std::shared_ptr<request> r, committer by) {
  {
    std::lock_guard guard(lock_);
    if (stopping_) {
      return false;
    }
    queue_.push_back(std::move(r));
    // While gathering, the writer waits for the queue to fill: wake it once, not per request. A
    // request its loop commits wakes the thread only to end such a wait.
    const bool ends_gathering = gather_target_ != 0 && queue_.size() == gather_target_;
    if (!ends_gathering && (by == committer::queuing_loop || queue_.size() != 1)) {
      return true;
    }
  }
  wake_.notify_one();
  return true;
}

group_writer::outcome_type group_writer::submit(std::string_view bucket,
                                                std::span<const watched_key> watches,
                                                std::span<const operation> ops) {
  auto r = make_request(bucket, ops);
  r->watches.assign(watches.begin(), watches.end());
  if (!enqueue(r, committer::writer_thread)) {
    return failure(error::other("sqlite: the store is closing"));
  }
  std::unique_lock guard(r->lock);
  if (!r->done_signal.wait_for(guard, settings_.request_timeout(), [&] { return r->done; })) {
    return failure(error::other("sqlite: no commit within " +
                                std::to_string(settings_.request_timeout().count()) +
                                " ms; the outcome is unknown"));
  }
  return std::move(r->outcome);
}

void group_writer::submit_async(std::string_view bucket, std::shared_ptr<watch_set> watches,
                                std::span<const operation> ops, finished done, committer by) {
  auto r = make_request(bucket, ops);
  r->watch_source = std::move(watches);
  r->on_done = std::move(done);
  if (!enqueue(r, by)) {
    r->on_done(failure(error::other("sqlite: the store is closing")));
  }
}

void group_writer::run_async(std::string_view bucket, job work, finished done, committer by,
                             bool needs_table) {
  auto r = make_request(bucket, {});
  r->work = std::move(work);
  r->needs_table = needs_table;
  r->on_done = std::move(done);
  if (!enqueue(r, by)) {
    r->on_done(failure(error::other("sqlite: the store is closing")));
  }
}

void group_writer::run() {
  std::vector<std::shared_ptr<request>> group;
  bool more_due = false;  // the last purge was a full batch: more deadlines have passed
  // The commit (last_group_at_) after which the page cache was last given back: none yet, and
  // nothing to give back before the first group.
  std::chrono::steady_clock::rep released_after = last_group_at_.load();
  for (;;) {
    bool idle = false;
    {
      std::unique_lock guard(lock_);
      thread_at_work_ = false;
      const auto ready = [&] { return (stopping_ || !queue_.empty()) && !caller_at_work_; };
      // Deadlines to look for, a log to merge, or a page cache to give back once quiet.
      const auto timed = [&] {
        return may_have_deadlines_.load() || log_unmerged_.load() ||
               released_after != last_group_at_.load();
      };
      if (!timed()) {
        wake_.wait(guard, [&] { return ready() || timed(); });
      }
      if (!wake_.wait_for(guard, more_due ? std::chrono::milliseconds(0) : kIdlePurgeEvery,
                          ready)) {
        if (caller_at_work_ || stopping_ || !queue_.empty()) {
          // The caller holds the connection: purge another time, after a full wait, so that
          // a purge still behind does not spin on the lock while the caller works.
          more_due = false;
          continue;
        }
        idle = true;
      } else if (queue_.empty()) {
        // Stopping, and everything queued is done: a clean close leaves the log merged, unless
        // another process writes (then it or the next open merges it; a close never waits).
        thread_at_work_ = true;
        guard.unlock();
        if (log_unmerged_.load()) {
          c_->set_no_wait(true);
          commit_group(group, true, true);
          c_->set_no_wait(false);
        }
        return;
      }
      thread_at_work_ = true;
      if (!idle) {
        gather(guard);
        while (!queue_.empty() && group.size() < settings_.max_group) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        running_.store(group.size());
      }
    }
    if (idle) {
      // Nothing queued for the thread: the log is merged once no group has committed for a
      // while, and expired rows are purged all the same, a batch per empty group. The purges
      // need the log merged: with deadlines due, an empty group merges it however recently
      // groups committed (an event loop's small groups, a client polling), or they would wait
      // for a merge due by size or count.
      const bool due = any_due();
      const bool quiet = quiet_for(kIdlePurgeEvery);
      if (log_unmerged_.load() && (due || quiet)) {
        more_due = commit_group(group, true, true) && due && last_purge_full_;
      } else {
        more_due = due && commit_group(group, true) && last_purge_full_;
      }
      if (quiet && !more_due && released_after != last_group_at_.load()) {
        // The writer goes quiet: the pages merges and purges brought into its cache
        // (kWriterCacheSize) go back to the allocator (the proxy trims its heap), and the next
        // merge reads them again.
        sqlite3_db_release_memory(c_->handle());
        released_after = last_group_at_.load();
      }
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    commit_group(group, true);
    last_group_size_ = group.size();
    {
      std::lock_guard guard(lock_);
      last_commit_ = std::chrono::steady_clock::now() - started;
    }
    running_.store(0);
    group.clear();
    // A client's group purged a full batch: more are due, so look again at once rather than
    // after kIdlePurgeEvery (a client polling at that pace would otherwise hold the purges to
    // one batch per poll).
    more_due = last_purge_full_;
    if (c_->waited()) {
      std::this_thread::sleep_for(kYieldToOtherProcess);
    }
  }
}

bool group_writer::statement_over_rows(const operation& op) {
  return reads_many_rows(op) || op.what == operation::kind::clear ||
         op.what == operation::kind::swap_databases;
}

bool group_writer::merge_due() const {
  const log_overlay& overlay = c_->overlay();
  return overlay.size() >= kMergeImages || overlay.bytes() >= kMergeBytes ||
         groups_since_merge_ >= kMergeEvery || expired_behind_;
}

bool group_writer::quiet_for(std::chrono::steady_clock::duration span) const {
  const std::chrono::steady_clock::time_point last{
      std::chrono::steady_clock::duration(last_group_at_.load())};
  return std::chrono::steady_clock::now() - last >= span;
}

bool group_writer::any_due() {
  auto q = c_->prepare(sql::any_due);
  if (!q) {
    return false;
  }
  q.value().bind(1, unix_time_ms());
  return q.value().step() == SQLITE_ROW;
}

bool group_writer::commit_queued_here() {
  std::vector<std::shared_ptr<request>> group;
  bool hand_over = false;
  {
    std::lock_guard guard(lock_);
    if (thread_at_work_ || caller_at_work_ || queue_.empty()) {
      return false;  // nothing to do, or the writer thread takes it after its group
    }
    // A merge (a large batch of rows) is the writer thread's, never the loop's.
    hand_over =
        last_commit_ > kSlowCommit || merge_due() ||
        (!c_->overlay().empty() &&
         std::any_of(queue_.begin(), queue_.end(), [](const auto& r) { return r->needs_table; }));
    if (!hand_over) {
      caller_at_work_ = true;
      while (!queue_.empty() && group.size() < settings_.max_group) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      running_.store(group.size());
    }
  }
  if (hand_over) {
    wake_.notify_one();
    return false;
  }
  const std::uint64_t committed_before = groups_.load();
  const auto started = std::chrono::steady_clock::now();
  c_->set_no_wait(true);  // only BEGIN takes the lock; everything after runs without waiting
  const bool ran = commit_group(group, false);
  c_->set_no_wait(false);
  const auto took = std::chrono::steady_clock::now() - started;
  running_.store(0);
  caller_groups_.fetch_add(groups_.load() - committed_before);
  bool more;
  bool wake_thread;
  {
    std::lock_guard guard(lock_);
    caller_at_work_ = false;
    if (ran) {
      last_commit_ = took;
    }
    if (!ran) {
      // Another process writes: back to the front, in order, for the writer thread to wait on.
      for (auto it = group.rbegin(); it != group.rend(); ++it) {
        queue_.push_front(std::move(*it));
      }
    }
    more = !queue_.empty();
    // The thread skipped what synchronous callers queued meanwhile, and stopping waits for us.
    wake_thread = !ran || more || stopping_;
  }
  if (wake_thread) {
    wake_.notify_one();
  }
  return ran && more;
}

void group_writer::wake_writer_thread() {
  wake_.notify_one();
}

// A group costs one fsync whatever its size. Requests come in bursts (a burst of replies brings
// a burst of new requests), so when fewer wait than the last group held, the rest of the burst
// is probably on its way: wait for it a little, at most half of what the last commit took.
void group_writer::gather(std::unique_lock<std::mutex>& guard) {
  const std::size_t target = std::min(last_group_size_, settings_.max_group);
  if (stopping_ || queue_.size() * 2 > target) {
    return;
  }
  gather_target_ = target;
  wake_.wait_for(guard, std::min(last_commit_ / 2, kMostGatherWait),
                 [&] { return stopping_ || queue_.size() >= target; });
  gather_target_ = 0;
}

bool group_writer::commit_group(std::vector<std::shared_ptr<request>>& group, bool may_wait,
                                bool merge) {
  last_purge_full_ = false;  // a group that fails before its purge leaves nothing more due
  log_overlay& overlay = c_->overlay();
  auto fail_all = [&](const error& why) {
    pending_.clear();
    overlay.rolled_back();
    for (auto& r : group) {
      r->complete(failure(why));
    }
    return true;
  };
  c_->reset_waited();
  pending_.clear();
  if (auto begun = c_->run(sql::begin_write); !begun) {
    if (!may_wait && c_->was_busy()) {
      return false;
    }
    return fail_all(begun.error());
  }
  auto clock = read_clock(*c_);
  if (!clock) {
    (void)c_->run(sql::rollback);
    return fail_all(clock.error());
  }
  const write_clock before = clock.value();
  if (auto caught_up = overlay.catch_up(*c_); !caught_up) {
    (void)c_->run(sql::rollback);
    return fail_all(caught_up.error());
  }
  // The purges need the log merged. Under a steady stream of client groups the writer is never
  // idle, so look here too, as often as an idle writer does: deadlines due make this group merge
  // (and a group of the event loop's go to the writer thread for it).
  if (!overlay.empty() && !expired_behind_ && may_have_deadlines_.load() &&
      std::chrono::steady_clock::now() - last_due_check_ >= kIdlePurgeEvery) {
    last_due_check_ = std::chrono::steady_clock::now();
    expired_behind_ = any_due();
  }
  const bool group_needs_table =
      std::any_of(group.begin(), group.end(), [](const auto& r) { return r->needs_table; });
  if (!may_wait && !merge && (merge_due() || (!overlay.empty() && group_needs_table))) {
    // The caller's event loop does not merge (another process's rows just arrived): the writer
    // thread takes the group.
    (void)c_->run(sql::rollback);
    overlay.rolled_back();
    return false;
  }
  // A group with a statement over many rows merges anyway: at its start, so the purges run too.
  if (merge || merge_due() || group_needs_table) {
    if (auto merged = overlay.merge(*c_); !merged) {
      (void)c_->run(sql::rollback);
      return fail_all(merged.error());
    }
  }
  // The purges' statements read the table alone: only where the log is merged, before this
  // group's own writes go to the log.
  ++groups_since_purge_;
  ++groups_since_merge_;
  if (overlay.empty()) {
    groups_since_merge_ = 0;
    if (groups_since_purge_ >= kPurgeEvery) {
      groups_since_purge_ = 0;
      (void)purge_tombstones(clock.value());  // best effort: retried with a later group
    }
    (void)purge_expired(clock.value());  // best effort: the rows stay missing meanwhile
  }
  expired_behind_ = last_purge_full_;
  std::vector<outcome_type> outcomes;
  outcomes.reserve(group.size());
  for (auto& r : group) {
    outcomes.push_back(run_request(*r, clock.value()));
    if (sqlite3_get_autocommit(c_->handle())) {
      // SQLite rolled the whole transaction back (I/O error, disk full): nothing is written.
      error why = outcomes.back() ? c_->failed("running a group") : outcomes.back().error();
      return fail_all(why);
    }
  }
  // Every write of the group reaches the file as one log row, however many keys it wrote.
  auto images = pending_.take_dirty();
  auto logged = append_log(images);
  if (!logged) {
    (void)c_->run(sql::rollback);
    return fail_all(logged.error());
  }
  const bool wrote_deadline = pending_.wrote_deadline();
  pending_.clear();
  if (clock.value().clock != before.clock || clock.value().horizon != before.horizon ||
      clock.value().expired != before.expired) {
    auto q = c_->prepare(sql::write_clock);
    bool stored = q && (q.value()
                            .bind(1, clock.value().clock)
                            .bind(2, clock.value().horizon)
                            .bind(3, clock.value().expired),
                        q.value().step() == SQLITE_DONE);
    if (!stored) {
      error why = c_->failed("storing the clock");
      (void)c_->run(sql::rollback);
      return fail_all(why);
    }
  }
  if (auto committed = c_->run(sql::commit); !committed) {
    (void)c_->run(sql::rollback);
    return fail_all(committed.error());
  }
  overlay.applied(logged.value(), std::move(images));
  const auto raise = [&](std::atomic<bool>& flag) {
    if (!flag.exchange(true)) {
      { std::lock_guard guard(lock_); }  // the thread checks the flag under the lock
      wake_.notify_one();
    }
  };
  if (wrote_deadline) {
    raise(may_have_deadlines_);
  }
  if (overlay.size() != 0) {
    raise(log_unmerged_);
  } else {
    log_unmerged_.store(false);
  }
  if (!group.empty()) {
    groups_.fetch_add(1);  // upkeep alone (a merge, a purge) is not a group of requests
  }
  last_group_at_.store(std::chrono::steady_clock::now().time_since_epoch().count());
  requests_.fetch_add(group.size());
  for (std::size_t i = 0; i < group.size(); ++i) {
    group[i]->complete(std::move(outcomes[i]));
  }
  return true;
}

group_writer::outcome_type group_writer::run_request(request& r, write_clock& clock) {
  rows bucket(*c_, r.bucket, unix_time_ms(), &pending_);
  if (r.work) {
    BOOST_OUTCOME_TRY(r.work(bucket, clock));
    return std::optional<std::vector<op_result>>(std::vector<op_result>());
  }
  if (r.watch_source) {
    auto taken = r.watch_source->take();
    if (!taken) {
      return std::optional<std::vector<op_result>>();  // the watch itself failed: a conflict
    }
    r.watches = std::move(*taken);
  }
  for (const auto& w : r.watches) {
    BOOST_OUTCOME_TRY(same, bucket.unchanged(w, clock));
    if (!same) {
      return std::optional<std::vector<op_result>>();
    }
  }
  // One operation fails or succeeds whole; several are undone together if one fails: the
  // pending rows they changed by the journal, and what they wrote to the file (a flush before
  // a clear, count or list) by a savepoint. The group's earlier writes are flushed before that
  // savepoint, so undoing it never takes them away.
  const bool guarded = r.ops.size() > 1 || !r.writes_one_key_each;
  const bool writes_file = guarded && r.needs_table;
  if (writes_file) {
    BOOST_OUTCOME_TRY(merge_into_table(*c_, pending_));
    BOOST_OUTCOME_TRY(c_->run(sql::savepoint));
  }
  if (guarded) {
    pending_.begin_request();
  }
  const write_clock before = clock;
  std::vector<op_result> results;
  results.reserve(r.ops.size());
  for (const auto& op : r.ops) {
    auto done = bucket.execute(op, &clock);
    if (!done) {
      if (writes_file && !sqlite3_get_autocommit(c_->handle())) {
        (void)c_->run(sql::rollback_to);
        (void)c_->run(sql::release);
      }
      if (guarded) {
        pending_.undo_request();
      }
      clock = before;
      return failure(std::move(done).error());
    }
    results.push_back(std::move(done).value());
  }
  if (guarded) {
    pending_.end_request();
  }
  if (writes_file) {
    BOOST_OUTCOME_TRY(c_->run(sql::release));
  }
  return std::optional<std::vector<op_result>>(std::move(results));
}

result<std::int64_t> group_writer::append_log(
    const std::vector<std::pair<std::string, key_image>>& images) {
  log_overlay& overlay = c_->overlay();
  std::int64_t id = overlay.next_id() - 1;
  if (images.empty()) {
    return id;
  }
  std::string row;
  const auto write_row = [&]() -> result<void> {
    BOOST_OUTCOME_TRY(q, c_->prepare(sql::append_log));
    q.bind(1, ++id).bind_bytes(2, row);
    if (q.step() != SQLITE_DONE) {
      return failure(c_->failed("writing the log"));
    }
    row.clear();
    return outcome::success();
  };
  for (const auto& [row_id, image] : images) {
    if (!row.empty() && row.size() + image_size(row_id, image) > kMostLogRowBytes) {
      BOOST_OUTCOME_TRY(write_row());
    }
    append_image(row, row_id, image);
  }
  BOOST_OUTCOME_TRY(write_row());
  BOOST_OUTCOME_TRY(overlay.store_last(*c_, id));
  return id;
}

result<void> group_writer::purge_tombstones(write_clock& clock) {
  const std::int64_t limit = clock.clock - tombstone_lag;
  if (limit <= clock.horizon) {
    return outcome::success();
  }
  std::int64_t newest = 0;
  {
    BOOST_OUTCOME_TRY(q, c_->prepare(sql::newest_purgeable));
    q.bind(1, limit);
    if (q.step() != SQLITE_ROW) {
      return failure(c_->failed("finding old tombstones"));
    }
    if (q.is_null(0)) {
      return outcome::success();
    }
    newest = q.integer(0);
  }
  BOOST_OUTCOME_TRY(q, c_->prepare(sql::purge));
  q.bind(1, limit);
  if (q.step() != SQLITE_DONE) {
    return failure(c_->failed("purging tombstones"));
  }
  clock.horizon = std::max(clock.horizon, newest);
  return outcome::success();
}

// Rows past their deadline, the longest due first, become tombstones that keep their versions
// (see schema.hpp), a bounded batch per group.
result<void> group_writer::purge_expired(write_clock& clock) {
  last_purge_full_ = false;
  BOOST_OUTCOME_TRY(q, c_->prepare(sql::purge_due));
  q.bind(1, unix_time_ms()).bind(2, kPurgeExpiredBatch);
  if (q.step() != SQLITE_DONE) {
    return failure(c_->failed("purging expired keys"));
  }
  const int purged = sqlite3_changes(c_->handle());
  clock.expired += purged;
  last_purge_full_ = purged == kPurgeExpiredBatch;
  return outcome::success();
}

}  // namespace atomkv::sqlite
