// The asynchronous forms on an event loop (store::attach_loop), as the proxy drives them: calls
// complete on the loop in lane order, transactions detect outside writes exactly, a dead server
// fails calls at once, and detach_loop leaves a loop that closes cleanly.

#include <uv.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomics.hpp"
#include "atomkv/backend.hpp"
#include "attached_loop.hpp"
#include "helpers.hpp"

namespace atomkv::redis_tests {
namespace {

using namespace std::chrono_literals;

}  // namespace

TEST_CASE("attached: calls of one lane complete in order, pipelined", "[async]") {
  auto& server = shared_server();
  auto store = connect_or_fail(server.url());
  auto bucket = open_or_fail(store, "");
  auto key = fresh("lane");
  attached_loop loop(store);
  REQUIRE_FALSE(bucket.backend().completes_inline());

  constexpr int kCalls = 500;
  std::vector<std::int64_t> seen;
  int failures = 0;
  for (int i = 0; i < kCalls; ++i) {
    const operation op = operation::increment(key, 1);
    bucket.backend().apply_async(std::span<const operation>(&op, 1), 7,
                                 [&](result<std::vector<op_result>> r) {
                                   if (!r || r.value().size() != 1) {
                                     ++failures;
                                     return;
                                   }
                                   seen.push_back(r.value()[0].integer);
                                 });
  }
  REQUIRE(loop.run_until([&] { return static_cast<int>(seen.size()) + failures == kCalls; }));
  CHECK(failures == 0);
  for (int i = 0; i < kCalls; ++i) {
    CHECK(seen[i] == i + 1);
  }
  CHECK(server.cli("GET " + key) == std::to_string(kCalls));
}

TEST_CASE("attached: a write from another client between watch and commit is a conflict",
          "[async]") {
  auto& server = shared_server();
  auto store = connect_or_fail(server.url());
  auto bucket = open_or_fail(store, "");
  auto key = fresh("watched");
  attached_loop loop(store);

  auto begun = bucket.backend().begin();
  REQUIRE(begun);
  auto txn = std::move(begun).value();
  const std::string_view keys[] = {key};
  const operation write = operation::set(key, "mine");

  for (bool interfere : {true, false}) {
    bool watched = false;
    txn->watch_async(keys, true, [&](auto r) { watched = r.has_value(); });
    REQUIRE(loop.run_until([&] { return watched; }));
    if (interfere) {
      CHECK(server.cli("SET " + key + " theirs") == "OK");
    }
    std::optional<result<std::optional<std::vector<op_result>>>> committed;
    txn->commit_async(std::span<const operation>(&write, 1),
                      [&](auto r) { committed.emplace(std::move(r)); });
    REQUIRE(loop.run_until([&] { return committed.has_value(); }));
    REQUIRE(committed->has_value());
    CHECK(committed->value().has_value() == !interfere);
    CHECK(server.cli("GET " + key) == (interfere ? "theirs" : "mine"));
  }
}

TEST_CASE("attached: expiry operations run on the loop; a watched key that expires conflicts",
          "[async][expiry]") {
  auto& server = shared_server();
  auto store = connect_or_fail(server.url());
  auto bucket = open_or_fail(store, "a");
  auto key = fresh("expiring");
  attached_loop loop(store);

  const operation ops[] = {
      operation::set(key, "v", operation::condition::always, false, expiry::after(1000)),
      operation::time_left(key),
      operation::count_expiring(),
  };
  std::optional<result<std::vector<op_result>>> applied;
  bucket.backend().apply_async(ops, 1, [&](auto r) { applied.emplace(std::move(r)); });
  REQUIRE(loop.run_until([&] { return applied.has_value(); }));
  REQUIRE(applied->has_value());
  REQUIRE(applied->value().size() == 3);
  CHECK(applied->value()[0] == op_result::ok());
  CHECK(applied->value()[1].integer > 0);
  CHECK(applied->value()[2].integer >= 1);

  auto begun = bucket.backend().begin();
  REQUIRE(begun);
  auto txn = std::move(begun).value();
  const std::string_view keys[] = {key};
  std::optional<std::optional<std::string>> seen;
  txn->watch_async(keys, true, [&](auto r) {
    if (r && r.value().size() == 1) {
      seen.emplace(r.value()[0]);
    }
  });
  REQUIRE(loop.run_until([&] { return seen.has_value(); }));
  REQUIRE(*seen == "v");  // watched while it existed unexpired
  // Past its deadline (PTTL from another client would remove it: the clock is enough).
  std::this_thread::sleep_for(1100ms);
  const operation write = operation::set(key, "mine");
  std::optional<result<std::optional<std::vector<op_result>>>> committed;
  txn->commit_async(std::span<const operation>(&write, 1),
                    [&](auto r) { committed.emplace(std::move(r)); });
  REQUIRE(loop.run_until([&] { return committed.has_value(); }));
  REQUIRE(committed->has_value());
  CHECK_FALSE(committed->value().has_value());
  CHECK(server.cli("EXISTS a:" + key) == "0");
}

TEST_CASE("attached: detach fails pending calls and the loop closes cleanly", "[async]") {
  auto& server = shared_server();
  auto store = connect_or_fail(server.url());
  auto bucket = open_or_fail(store, "");
  auto key = fresh("detached");
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  REQUIRE(store.backend().attach_loop(&loop));

  int completed = 0, failed = 0;
  const operation op = operation::increment(key, 1);
  for (int i = 0; i < 50; ++i) {
    bucket.backend().apply_async(std::span<const operation>(&op, 1), i,
                                 [&](result<std::vector<op_result>> r) {
                                   ++completed;
                                   failed += r ? 0 : 1;
                                 });
  }
  auto txn = bucket.backend().begin().value();
  const std::string_view keys[] = {key};
  bool watch_done = false;
  txn->watch_async(keys, false, [&](auto) { watch_done = true; });
  store.backend().detach_loop();  // nothing has been written yet: everything fails
  CHECK(completed == 50);
  CHECK(failed == 50);
  CHECK(watch_done);
  txn.reset();
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
  // Detached, the store is back on its blocking pool.
  CHECK(bucket.backend().completes_inline());
  CHECK(atomics::increment(bucket, key, 1).value() == 1);
}

TEST_CASE("attached: a server that is gone fails calls at once", "[async]") {
  testing::redis_server server;
  REQUIRE(server.running());
  auto store = connect_or_fail(server.url());
  auto bucket = open_or_fail(store, "");
  attached_loop loop(store);
  server.kill();

  const operation op = operation::increment("k", 1);
  for (int round = 0; round < 3; ++round) {
    std::optional<result<std::vector<op_result>>> got;
    auto sent = std::chrono::steady_clock::now();
    bucket.backend().apply_async(std::span<const operation>(&op, 1), 1,
                                 [&](auto r) { got.emplace(std::move(r)); });
    REQUIRE(loop.run_until([&] { return got.has_value(); }));
    CHECK_FALSE(got->has_value());
    CHECK(std::chrono::steady_clock::now() - sent < 500ms);
  }
  REQUIRE(server.restart());
  std::optional<result<std::vector<op_result>>> back;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!(back && back->has_value()) && std::chrono::steady_clock::now() < deadline) {
    back.reset();
    std::this_thread::sleep_for(10ms);
    bucket.backend().apply_async(std::span<const operation>(&op, 1), 1,
                                 [&](auto r) { back.emplace(std::move(r)); });
    REQUIRE(loop.run_until([&] { return back.has_value(); }));
  }
  REQUIRE(back);
  REQUIRE(back->has_value());
  CHECK(back->value()[0].integer == 1);
}

TEST_CASE("attached: a paused server is waited for, however long; its replies still count",
          "[async]") {
  testing::redis_server server;
  REQUIRE(server.running());
  // Probes every 200 ms at first: each finds the paused server's address accepting.
  auto store = connect_or_fail(server.url() + "?probe_after_ms=200");
  auto bucket = open_or_fail(store, "");
  attached_loop loop(store);
  const operation op = operation::increment("paused", 1);
  std::optional<result<std::vector<op_result>>> first;
  bucket.backend().apply_async(std::span<const operation>(&op, 1), 1,
                               [&](auto r) { first.emplace(std::move(r)); });
  REQUIRE(loop.run_until([&] { return first.has_value(); }));
  REQUIRE(first->has_value());

  server.pause();
  std::optional<result<std::vector<op_result>>> waited;
  bucket.backend().apply_async(std::span<const operation>(&op, 1), 1,
                               [&](auto r) { waited.emplace(std::move(r)); });
  // Past the old 2 s command deadline, the call still waits.
  auto until = std::chrono::steady_clock::now() + 2500ms;
  loop.run_until([&] { return waited.has_value() || std::chrono::steady_clock::now() > until; });
  CHECK_FALSE(waited.has_value());
  server.resume();
  REQUIRE(loop.run_until([&] { return waited.has_value(); }));
  INFO((waited->has_value() ? "" : waited->error().message));
  REQUIRE(waited->has_value());
  CHECK(waited->value()[0].integer == 2);
  CHECK(server.cli("GET paused") == "2");
}

}  // namespace atomkv::redis_tests
