// The asynchronous forms on a libuv loop run by the test thread: calls return at once, their
// callbacks run later on the loop's thread, each lane keeps its order and reads its own writes
// across a pipeline, transactions keep their call order, and a detach with calls pending fails
// them without touching the loop afterwards. Callbacks only record; the test thread checks.

#include <sqlite3.h>
#include <uv.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"
#include "sqlite/log_images.hpp"
#include "sqlite/row_id.hpp"
#include "temp_file.hpp"
#include "writer_probe.hpp"

using atomkv::op_result;
using atomkv::operation;
using atomkv::result;
using atomkv::sqlite_tests::lock_holder;
using atomkv::sqlite_tests::open_store;
using atomkv::sqlite_tests::opened;
using atomkv::sqlite_tests::query_text;
using atomkv::sqlite_tests::temp_file;
using atomkv::sqlite_tests::wait_for;
using atomkv::sqlite_tests::wait_until_writer_sleeps;

namespace {

// Every image of the file's log rows, by key: its value, or "<tombstone>".
std::map<std::string, std::string> logged_images(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT images FROM log ORDER BY id", -1, &q, nullptr) ==
          SQLITE_OK);
  std::map<std::string, std::string> found;
  while (sqlite3_step(q) == SQLITE_ROW) {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(q, 0));
    const std::string_view row(bytes, static_cast<std::size_t>(sqlite3_column_bytes(q, 0)));
    REQUIRE(atomkv::sqlite::for_each_image(
        row, [&](std::string_view id, atomkv::sqlite::key_image&& image) {
          found[std::string(atomkv::sqlite::split_row_id(id)->second)] =
              image.present ? image.value : "<tombstone>";
        }));
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return found;
}

// A loop with the store attached; detached and closed (with every handle gone) at the end.
class attached_loop {
 public:
  explicit attached_loop(atomkv::sqlite::sqlite_store& store) : store_(store) {
    REQUIRE(uv_loop_init(&loop_) == 0);
    REQUIRE(store_.attach_loop(&loop_));
  }
  ~attached_loop() {
    store_.detach_loop();
    uv_run(&loop_, UV_RUN_DEFAULT);  // the backend's handle closes
    closed_cleanly_ = uv_loop_close(&loop_) == 0;
  }
  attached_loop(const attached_loop&) = delete;
  attached_loop& operator=(const attached_loop&) = delete;

  // Runs until no call is pending (an attached store alone does not keep the loop running).
  void run() { uv_run(&loop_, UV_RUN_DEFAULT); }
  // One iteration: the loop's end-of-iteration commit runs (or hands the queue to the writer).
  void turn() { uv_run(&loop_, UV_RUN_NOWAIT); }
  uv_loop_t* get() { return &loop_; }
  void detach() { store_.detach_loop(); }

  static bool closed_cleanly() { return closed_cleanly_; }

 private:
  atomkv::sqlite::sqlite_store& store_;
  uv_loop_t loop_{};
  static inline bool closed_cleanly_ = false;
};

// What one callback saw.
struct seen {
  bool ran = false;
  bool inline_call = false;  // ran before its call returned
  bool on_loop_thread = false;
  result<std::vector<op_result>> outcome = atomkv::failure(atomkv::error::other("not run"));
};

// Calls apply_async and records into `into` what the callback sees.
void apply_recorded(atomkv::backend::bucket& b, std::vector<operation> ops, std::uint64_t lane,
                    seen& into) {
  auto returned = std::make_shared<bool>(false);
  const auto loop_thread = std::this_thread::get_id();
  b.apply_async(ops, lane, [&into, returned, loop_thread](result<std::vector<op_result>> r) {
    into.ran = true;
    into.inline_call = !*returned;
    into.on_loop_thread = std::this_thread::get_id() == loop_thread;
    into.outcome = std::move(r);
  });
  *returned = true;
}

std::string text_of(const seen& s) {
  if (!s.outcome || s.outcome.value().size() != 1) {
    return "<failed>";
  }
  const op_result& r = s.outcome.value().front();
  return r.what == op_result::kind::integer ? std::to_string(r.integer) : r.text;
}

}  // namespace

TEST_CASE("a pipeline of calls on a lane keeps its order and reads its own writes", "[async]") {
  temp_file file;
  opened o = open_store(file);
  {
    attached_loop loop(*o.store);
    CHECK_FALSE(o.bucket->completes_inline());
    const auto before = o.store->stats();

    // Two lanes, each a pipeline set -> get -> increment, issued without waiting at all.
    constexpr int kRounds = 150;
    std::vector<seen> sets(2 * kRounds), gets(2 * kRounds), increments(2 * kRounds);
    for (int i = 0; i < kRounds; ++i) {
      for (int lane = 0; lane < 2; ++lane) {
        const std::string key = lane == 0 ? "a" : "b";
        const std::string counter = lane == 0 ? "na" : "nb";
        const std::size_t at = static_cast<std::size_t>(2 * i + lane);
        apply_recorded(*o.bucket, {operation::set(key, std::to_string(i))}, lane, sets[at]);
        apply_recorded(*o.bucket, {operation::get(key)}, lane, gets[at]);
        apply_recorded(*o.bucket, {operation::increment(counter, 1)}, lane, increments[at]);
      }
    }
    loop.run();

    int wrong = 0, not_async = 0, off_loop = 0;
    for (int i = 0; i < kRounds; ++i) {
      for (int lane = 0; lane < 2; ++lane) {
        const std::size_t at = static_cast<std::size_t>(2 * i + lane);
        for (const seen* s : {&sets[at], &gets[at], &increments[at]}) {
          not_async += !s->ran || s->inline_call;
          off_loop += !s->on_loop_thread;
        }
        wrong += text_of(sets[at]) != "";  // ok replies carry no text
        wrong += text_of(gets[at]) != std::to_string(i);
        wrong += text_of(increments[at]) != std::to_string(i + 1);
      }
    }
    CHECK(wrong == 0);
    CHECK(not_async == 0);
    CHECK(off_loop == 0);
    CHECK(o.bucket->get("a").value() == std::to_string(kRounds - 1));
    CHECK(o.bucket->get("nb").value() == std::to_string(kRounds));

    // Nobody waited for a commit before the next call: the calls shared transactions.
    const auto after = o.store->stats();
    CHECK(after.requests - before.requests == 6 * kRounds);
    CHECK((after.groups - before.groups) * 4 < after.requests - before.requests);
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("the loop commits the calls it queued itself, in the iteration that queued them",
          "[async]") {
  temp_file file;
  opened o = open_store(file);
  std::vector<seen> sums(40);  // outlives the loop: a detach fails what is pending into it
  {
    attached_loop loop(*o.store);
    wait_until_writer_sleeps(*o.store);  // else it may take the queue as it starts
    const auto before = o.store->stats();
    for (auto& s : sums) {
      apply_recorded(*o.bucket, {operation::increment("n", 1)}, 3, s);
    }
    loop.turn();  // one iteration: one commit on this thread, every callback run
    int done = 0, off_loop = 0;
    for (const auto& s : sums) {
      done += s.ran && s.outcome.has_value();
      off_loop += !s.on_loop_thread;
    }
    CHECK(done == 40);
    CHECK(off_loop == 0);
    CHECK(text_of(sums.back()) == "40");
    const auto after = o.store->stats();
    CHECK(after.groups - before.groups == 1);
    CHECK(after.caller_groups - before.caller_groups == 1);
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("a group writes each key once: the last value, with a version newer than any watch",
          "[async]") {
  temp_file file;
  opened o = open_store(file);
  std::vector<seen> calls(45);
  {
    attached_loop loop(*o.store);
    wait_until_writer_sleeps(*o.store);
    auto counter_watch = o.bucket->begin().value();
    auto missing_watch = o.bucket->begin().value();
    const std::string_view c = "c", gone = "gone";
    REQUIRE(counter_watch->watch({&c, 1}, false));
    REQUIRE(missing_watch->watch({&gone, 1}, false));

    apply_recorded(*o.bucket, {operation::set("k", "first")}, 1, calls[0]);
    for (std::size_t i = 1; i <= 40; ++i) {
      apply_recorded(*o.bucket, {operation::increment("c", 1)}, 1, calls[i]);
    }
    apply_recorded(*o.bucket, {operation::set("k", "last")}, 1, calls[41]);
    apply_recorded(*o.bucket, {operation::set("gone", "briefly")}, 1, calls[42]);
    apply_recorded(*o.bucket, {operation::get("gone")}, 1, calls[43]);
    apply_recorded(*o.bucket, {operation::remove("gone")}, 1, calls[44]);
    const auto before = o.store->stats();
    loop.turn();
    {
      // The write lock keeps the idle writer from merging the log while it is read here.
      lock_holder hold(file.path());
      // One log row for the group, one image per key with its last version.
      REQUIRE(query_text(file.path(), "SELECT count(*) FROM log") == "1");
      const auto logged = logged_images(file.path());
      CHECK(logged.size() == 3);
      CHECK(logged.at("c") == "40");
      CHECK(logged.at("k") == "last");
      CHECK(logged.at("gone") == "<tombstone>");
    }
    CHECK(o.store->stats().groups - before.groups == 1);
    CHECK(text_of(calls[40]) == "40");
    CHECK(text_of(calls[43]) == "briefly");  // a read in the group sees the group's writes
    CHECK(text_of(calls[44]) == "1");

    CHECK(o.bucket->get("k").value() == "last");
    CHECK(o.bucket->get("c").value() == "40");
    CHECK_FALSE(o.bucket->get("gone").value());
    // One row per key; the created-then-deleted key left a tombstone.
    REQUIRE(o.bucket->apply({{operation::count()}}));  // merges the log into the table
    CHECK(query_text(file.path(), "SELECT count(*) FROM log") == "0");
    CHECK(query_text(file.path(), "SELECT count(*) FROM keyspace") == "3");
    CHECK(query_text(file.path(), "SELECT quote(value) FROM keyspace WHERE key = x'676f6e65'") ==
          "NULL");
    // Both watches see the group's writes: no lost update, no ABA on the missing key.
    CHECK_FALSE(counter_watch->commit({{operation::set("c", "0")}}).value());
    CHECK_FALSE(missing_watch->commit({{operation::set("gone", "again")}}).value());
    CHECK(o.bucket->get("c").value() == "40");
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("after a slow commit the writer thread commits the next group, not the loop", "[async]") {
  temp_file file;
  opened o = open_store(file);
  seen big;
  std::vector<seen> sums(10);
  {
    attached_loop loop(*o.store);
    wait_until_writer_sleeps(*o.store);
    const auto before = o.store->stats();
    // 3 MiB through the WAL and its fsync: far over the millisecond a loop may spend, and under
    // the 8 MiB of log that would have the writer thread merge anyway.
    apply_recorded(*o.bucket, {operation::set("big", std::string(3 << 20, 'x'))}, 1, big);
    loop.turn();
    REQUIRE(big.ran);
    CHECK(big.outcome.has_value());
    const auto after_big = o.store->stats();
    CHECK(after_big.caller_groups - before.caller_groups == 1);

    for (auto& s : sums) {
      apply_recorded(*o.bucket, {operation::increment("n", 1)}, 1, s);
    }
    loop.turn();  // hands the queue to the writer thread instead of committing it here
    loop.run();   // until the thread's commits are delivered
    CHECK(text_of(sums.back()) == "10");
    const auto after = o.store->stats();
    CHECK(after.groups - after_big.groups >= 1);
    CHECK(after.caller_groups == after_big.caller_groups);
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("a call made from a timer is committed without waiting for another event", "[async]") {
  temp_file file;
  opened o = open_store(file);
  {
    attached_loop loop(*o.store);
    struct context {
      atomkv::backend::bucket* bucket;
      seen call;
      bool stalled = false;
      attached_loop* loop;
    } ctx{o.bucket.get(), {}, false, &loop};
    uv_timer_t start{}, watchdog{};
    uv_timer_init(loop.get(), &start);
    uv_timer_init(loop.get(), &watchdog);
    start.data = watchdog.data = &ctx;
    uv_timer_start(
        &start,
        [](uv_timer_t* t) {
          auto* c = static_cast<context*>(t->data);
          apply_recorded(*c->bucket, {operation::set("k", "v")}, 1, c->call);
        },
        0, 0);
    // If the loop slept with the call queued, only this would wake it.
    uv_timer_start(
        &watchdog,
        [](uv_timer_t* t) {
          auto* c = static_cast<context*>(t->data);
          c->stalled = !c->call.ran;
          c->loop->detach();
        },
        5000, 0);
    uv_unref(reinterpret_cast<uv_handle_t*>(&watchdog));
    loop.run();
    CHECK_FALSE(ctx.stalled);
    CHECK(ctx.call.ran);
    CHECK(ctx.call.outcome.has_value());
    uv_close(reinterpret_cast<uv_handle_t*>(&start), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&watchdog), nullptr);
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("the loop goes on while another process holds the write lock", "[async]") {
  temp_file file;
  opened o = open_store(file);
  {
    attached_loop loop(*o.store);
    struct context {
      lock_holder holder;
      int ticks_while_locked = 0;
      bool released = false;
    } ctx{lock_holder(file.path())};
    seen call;
    apply_recorded(*o.bucket, {operation::increment("n", 5)}, 1, call);
    uv_timer_t ticker{}, release{};
    uv_timer_init(loop.get(), &ticker);
    uv_timer_init(loop.get(), &release);
    ticker.data = release.data = &ctx;
    uv_timer_start(
        &ticker,
        [](uv_timer_t* t) {
          auto* c = static_cast<context*>(t->data);
          c->ticks_while_locked += c->released ? 0 : 1;
        },
        5, 5);
    uv_unref(reinterpret_cast<uv_handle_t*>(&ticker));
    uv_timer_start(
        &release,
        [](uv_timer_t* t) {
          auto* c = static_cast<context*>(t->data);
          c->holder.release();
          c->released = true;
        },
        300, 0);
    loop.run();
    CHECK(ctx.released);
    CHECK(ctx.ticks_while_locked >= 10);  // the loop ran its timers, not a lock wait
    CHECK(text_of(call) == "5");
    uv_close(reinterpret_cast<uv_handle_t*>(&ticker), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&release), nullptr);
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("calls that queue while a commit is under way share the next one", "[async]") {
  temp_file file;
  opened o = open_store(file);
  {
    attached_loop loop(*o.store);
    const auto before = o.store->stats();
    std::vector<seen> sums(50);
    {
      lock_holder holder(file.path());
      apply_recorded(*o.bucket, {operation::increment("n", 1)}, 7, sums[0]);
      loop.turn();               // the loop finds the lock taken and leaves the group to the writer
      wait_for(*o.store, 0, 1);  // a group of one, waiting for the lock
      for (std::size_t i = 1; i < sums.size(); ++i) {
        apply_recorded(*o.bucket, {operation::increment("n", 1)}, 7, sums[i]);
      }
      wait_for(*o.store, 49, 1);
      holder.release();
      loop.run();
    }
    int wrong = 0;
    for (std::size_t i = 0; i < sums.size(); ++i) {
      wrong += text_of(sums[i]) != std::to_string(i + 1);
    }
    CHECK(wrong == 0);
    const auto after = o.store->stats();
    CHECK(after.groups - before.groups == 2);
    CHECK(after.requests - before.requests == 50);
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("a transaction's asynchronous calls keep their call order", "[async]") {
  temp_file file;
  opened o = open_store(file);
  REQUIRE(o.bucket->set("k", "v0"));
  {
    attached_loop loop(*o.store);
    auto txn = o.bucket->begin().value();
    std::vector<std::string_view> k{"k"};
    const std::vector<operation> write_mine{operation::set("k", "mine")};

    // watch -> commit issued back to back: the commit sees the watch, and nothing moved k.
    result<std::vector<std::optional<std::string>>> watched =
        atomkv::failure(atomkv::error::other("not run"));
    result<std::optional<std::vector<op_result>>> first =
        atomkv::failure(atomkv::error::other("not run"));
    txn->watch_async(k, true, [&](auto r) { watched = std::move(r); });
    txn->commit_async(write_mine, [&](auto r) { first = std::move(r); });
    loop.run();
    REQUIRE(watched);
    REQUIRE(watched.value().size() == 1);
    CHECK(watched.value()[0] == std::optional<std::string>("v0"));
    REQUIRE(first);
    CHECK(first.value().has_value());

    // watch, then someone else writes k, then commit: a conflict, nothing written.
    result<std::optional<std::vector<op_result>>> second =
        atomkv::failure(atomkv::error::other("not run"));
    txn->watch_async(k, false, [&](auto) {
      (void)o.bucket->set("k", "theirs");  // the synchronous form works from any thread
      txn->commit_async(write_mine, [&](auto r) { second = std::move(r); });
    });
    loop.run();
    REQUIRE(second);
    CHECK_FALSE(second.value().has_value());
    CHECK(o.bucket->get("k").value() == "theirs");

    // watch -> unwatch issued back to back, then a write, then commit: unwatched, so it applies.
    result<std::optional<std::vector<op_result>>> third =
        atomkv::failure(atomkv::error::other("not run"));
    txn->watch_async(k, false, [](auto) {});
    txn->unwatch_async([&](auto) {
      (void)o.bucket->set("k", "theirs again");
      txn->commit_async(write_mine, [&](auto r) { third = std::move(r); });
    });
    loop.run();
    REQUIRE(third);
    CHECK(third.value().has_value());
    CHECK(o.bucket->get("k").value() == "mine");

    // A transaction dropped with calls queued: they still complete, on the loop.
    bool late = false;
    auto dropped = o.bucket->begin().value();
    dropped->watch_async(k, false, [](auto) {});
    dropped->commit_async(std::vector<operation>{operation::set("late", "yes")},
                          [&](auto r) { late = r && r.value().has_value(); });
    dropped.reset();
    loop.run();
    CHECK(late);
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE(
    "on the loop, a watched key that expires fails the commit; one expired at the watch "
    "does not",
    "[async][expiry]") {
  temp_file file;
  opened o = open_store(file);
  const auto with_deadline = [](std::string_view key, std::int64_t ms) {
    return operation::set(key, "v", operation::condition::always, false, atomkv::expiry::after(ms));
  };
  REQUIRE(o.bucket->apply(
      std::vector<operation>{with_deadline("soon", 1500), with_deadline("gone", 1)}));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    attached_loop loop(*o.store);
    const std::vector<operation> write_mine{operation::set("soon", "mine"),
                                            operation::set("gone", "mine")};
    auto txn = o.bucket->begin().value();
    std::vector<std::string_view> both{"soon", "gone"};
    result<std::vector<std::optional<std::string>>> watched =
        atomkv::failure(atomkv::error::other("not run"));
    txn->watch_async(both, true, [&](auto r) { watched = std::move(r); });
    loop.run();
    REQUIRE(watched);
    CHECK(watched.value() ==
          std::vector<std::optional<std::string>>{std::string("v"), std::nullopt});
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));  // "soon" expires
    result<std::optional<std::vector<op_result>>> first =
        atomkv::failure(atomkv::error::other("not run"));
    txn->commit_async(write_mine, [&](auto r) { first = std::move(r); });
    loop.run();
    REQUIRE(first);
    CHECK_FALSE(first.value().has_value());

    // Both are missing now: a watch of them commits, whatever the writer purges meanwhile.
    txn->watch_async(both, false, [](auto) {});
    loop.run();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    result<std::optional<std::vector<op_result>>> second =
        atomkv::failure(atomkv::error::other("not run"));
    txn->commit_async(write_mine, [&](auto r) { second = std::move(r); });
    loop.run();
    REQUIRE(second);
    CHECK(second.value().has_value());
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("a watch whose group failed makes the next commit conflict", "[async]") {
  temp_file file;
  opened o = open_store(file, "busy_timeout_ms=100");
  REQUIRE(o.bucket->set("k", "v0"));
  {
    attached_loop loop(*o.store);
    auto txn = o.bucket->begin().value();
    std::vector<std::string_view> k{"k"};
    bool watch_failed = false;
    {
      lock_holder holder(file.path());
      txn->watch_async(k, false, [&](auto r) { watch_failed = !r; });
      loop.run();
    }
    CHECK(watch_failed);
    result<std::optional<std::vector<op_result>>> committed =
        atomkv::failure(atomkv::error::other("not run"));
    txn->commit_async(std::vector<operation>{operation::set("k", "mine")},
                      [&](auto r) { committed = std::move(r); });
    loop.run();
    REQUIRE(committed);
    CHECK_FALSE(committed.value().has_value());
    CHECK(o.bucket->get("k").value() == "v0");
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("list_keys_async pages through the keys on the loop", "[async]") {
  temp_file file;
  opened o = open_store(file);
  std::vector<std::string> written;
  for (int i = 0; i < 25; ++i) {
    written.push_back("key" + std::to_string(i));
    REQUIRE(o.bucket->set(written.back(), "v"));
  }
  REQUIRE(o.bucket->set("other", "v"));
  {
    attached_loop loop(*o.store);
    std::vector<std::string> listed;
    int pages = 0;
    bool failed = false;
    const atomkv::backend::list_options options{.count_hint = 4, .match = "key*"};
    std::function<void(result<atomkv::backend::key_page>)> on_page =
        [&](result<atomkv::backend::key_page> page) {
          if (!page) {
            failed = true;
            return;
          }
          ++pages;
          listed.insert(listed.end(), page.value().keys.begin(), page.value().keys.end());
          if (page.value().cursor) {
            o.bucket->list_keys_async(*page.value().cursor, options, on_page);
          }
        };
    o.bucket->list_keys_async(std::nullopt, options, on_page);
    loop.run();
    CHECK_FALSE(failed);
    CHECK(pages == 7);  // 26 rows, 4 a page
    std::sort(listed.begin(), listed.end());
    std::sort(written.begin(), written.end());
    CHECK(listed == written);

    bool bad_cursor = false;
    o.bucket->list_keys_async("x1", options, [&](auto page) { bad_cursor = !page; });
    loop.run();
    CHECK(bad_cursor);
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("detaching with calls pending fails them, and nothing reaches the loop afterwards",
          "[async]") {
  temp_file file;
  opened o = open_store(file);
  {
    attached_loop loop(*o.store);
    std::vector<seen> pending(21);
    lock_holder holder(file.path());
    apply_recorded(*o.bucket, {operation::increment("n", 1)}, 1, pending[0]);
    loop.turn();
    wait_for(*o.store, 0, 1);
    for (std::size_t i = 1; i < pending.size(); ++i) {
      apply_recorded(*o.bucket, {operation::increment("n", 1)}, 1, pending[i]);
    }
    wait_for(*o.store, 20, 1);

    loop.detach();
    int not_failed = 0, unknown = 0;
    for (const auto& s : pending) {
      not_failed += !s.ran || s.outcome.has_value() || !s.on_loop_thread;
      unknown += !s.outcome && s.outcome.error().message.find("unknown") != std::string::npos;
    }
    CHECK(not_failed == 0);
    CHECK(unknown == 21);
    CHECK(o.bucket->completes_inline());

    // The writer goes on and commits them; their completions find the loop detached.
    holder.release();
    wait_for(*o.store, 0, 0);
    CHECK(o.bucket->get("n").value() == "21");

    // Detached, the asynchronous forms run the synchronous ones.
    seen after;
    apply_recorded(*o.bucket, {operation::increment("n", 1)}, 1, after);
    CHECK(after.inline_call);
    CHECK(text_of(after) == "22");
  }
  CHECK(attached_loop::closed_cleanly());
}

TEST_CASE("an asynchronous call keeps its own copy of BITCOUNT's arguments and BITFIELD's steps",
          "[async]") {
  temp_file file;
  opened o = open_store(file);
  {
    attached_loop loop(*o.store);
    REQUIRE(o.bucket->set("k", "foobar"));
    seen count, field;
    {
      // The caller's arguments are gone (and their bytes overwritten) before the loop runs.
      auto range =
          std::make_unique<std::vector<std::string>>(std::vector<std::string>{"1", "1", "BYTE"});
      std::vector<std::string_view> views(range->begin(), range->end());
      auto steps = std::make_unique<std::vector<atomkv::bitfield_step>>(1);
      (*steps)[0] = {.what = atomkv::bitfield_step::kind::increment, .bits = 8, .value = 5};
      apply_recorded(*o.bucket, {operation::bit_count("k", views)}, 0, count);
      apply_recorded(*o.bucket, {operation::bitfield("k", *steps)}, 0, field);
      for (auto& s : *range) {
        s.assign(s.size(), 'x');
      }
      (*steps)[0].value = 1000;
    }
    loop.run();
    CHECK(text_of(count) == "6");
    REQUIRE(field.outcome);
    CHECK(field.outcome.value().front() == op_result::of_integers({'f' + 5}));
  }
  CHECK(attached_loop::closed_cleanly());
}
