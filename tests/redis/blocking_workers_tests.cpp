// The cluster store's worker threads (blocking_workers.hpp), without a cluster: work that waits
// for a busy thread fails when its queue wait is over, not when a thread frees, and nothing of
// it runs, also on the timer of the links that own them; a job that throws fails with an unknown
// outcome; work still queued at stop fails.

#include <uv.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include "redis/blocking_workers.hpp"
#include "redis/cluster_links.hpp"
#include "redis/cluster_nodes.hpp"

namespace atomkv::redis_tests {
namespace {

using outcome = redis::blocking_workers::outcome;

constexpr auto kQueueWait = std::chrono::milliseconds(200);

// Turns `loop` until `done` holds, for at most 10 s.
template <class Predicate>
bool turn_until(uv_loop_t& loop, Predicate done) {
  const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < give_up_at) {
    uv_run(&loop, UV_RUN_NOWAIT);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

outcome one_integer(std::int64_t n) {
  return std::vector<op_result>{op_result::of_integer(n)};
}

// Work that holds a worker thread until released.
struct busy_work {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> started{false};
  std::optional<outcome> result;

  // Runs it on `workers` and waits until a thread has taken it; what run() returned.
  bool occupy(redis::blocking_workers& workers, uv_loop_t& loop) {
    const bool waits = workers.run(
        [this, wait_for = released] {
          started = true;
          wait_for.wait();
          return one_integer(1);
        },
        [this](outcome r) { result.emplace(std::move(r)); });
    REQUIRE(turn_until(loop, [&] { return started.load(); }));
    return waits;
  }
};

}  // namespace

TEST_CASE("blocking workers: work waiting for a busy thread fails at its deadline, unrun",
          "[workers]") {
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  busy_work busy;
  std::atomic<int> queued_ran{0};
  std::vector<std::optional<outcome>> queued(2);
  {
    redis::blocking_workers workers(&loop, 1, kQueueWait);
    CHECK_FALSE(busy.occupy(workers, loop));  // a thread was started for it
    for (auto& result : queued) {
      const bool waits = workers.run(
          [&] {
            ++queued_ran;
            return one_integer(2);
          },
          [&result](outcome r) { result.emplace(std::move(r)); });
      CHECK(waits);  // the one thread is busy
    }
    // Not due yet: how long until the first is.
    auto next_due = workers.fail_overdue();
    REQUIRE(next_due);
    CHECK(*next_due > std::chrono::milliseconds(0));
    CHECK(*next_due <= kQueueWait);
    // Waited for as told, each fails, the thread still busy.
    while (next_due) {
      std::this_thread::sleep_for(*next_due);
      next_due = workers.fail_overdue();
    }
    REQUIRE(turn_until(loop, [&] { return queued[0] && queued[1]; }));
    CHECK_FALSE(busy.result.has_value());
    for (const auto& result : queued) {
      REQUIRE_FALSE(result->has_value());
      CHECK(result->error().message ==
            "redis cluster: no worker thread free within 200 ms (every one waits on a node); "
            "nothing applied");
    }

    busy.release.set_value();
    REQUIRE(turn_until(loop, [&] { return busy.result.has_value(); }));
    REQUIRE(busy.result->has_value());
    CHECK(busy.result->value().front().integer == 1);
    CHECK(queued_ran == 0);  // the thread, free again, did not run what had failed
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("blocking workers: a job that throws fails with an unknown outcome", "[workers]") {
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  std::optional<outcome> thrown;
  {
    redis::blocking_workers workers(&loop, 1, std::chrono::seconds(10));
    workers.run([]() -> outcome { throw std::runtime_error("out of luck"); },
                [&](outcome r) { thrown.emplace(std::move(r)); });
    REQUIRE(turn_until(loop, [&] { return thrown.has_value(); }));
    REQUIRE_FALSE(thrown->has_value());
    CHECK(thrown->error().message == "redis cluster: out of luck; the outcome is unknown");
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("cluster links: blocking work that finds every thread busy fails on the loop's timer",
          "[workers]") {
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  redis::config settings;
  settings.command_timeout = std::chrono::milliseconds(150);  // the queue's wait, too
  // No node is asked: the work here is the test's own.
  auto nodes = std::make_shared<redis::cluster_nodes>(
      settings, std::vector<redis::node_address>{{"127.0.0.1", 1}});
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<std::size_t> started{0};
  constexpr std::size_t kThreads = redis::cluster_links::kBlockingThreads;
  std::vector<std::optional<outcome>> results(kThreads + 1);
  {
    auto links = std::make_shared<redis::cluster_links>(&loop, nodes);
    for (std::size_t i = 0; i < results.size(); ++i) {
      links->in_lane_order(
          i + 1,
          [released, &started] {
            ++started;
            released.wait();
            return one_integer(1);
          },
          [&results, i](outcome r) { results[i].emplace(std::move(r)); });
    }
    // Every thread holds a work until released: the last work fails at its deadline, not when
    // a thread frees.
    REQUIRE(turn_until(loop, [&] { return results[kThreads].has_value(); }));
    CHECK(started == kThreads);
    for (std::size_t i = 0; i < kThreads; ++i) {
      CHECK_FALSE(results[i].has_value());
    }
    REQUIRE_FALSE(results[kThreads]->has_value());
    CHECK(results[kThreads]->error().message.ends_with("nothing applied"));

    release.set_value();
    REQUIRE(turn_until(loop, [&] {
      return std::all_of(results.begin(), results.end(), [](const auto& r) { return r; });
    }));
    for (std::size_t i = 0; i < kThreads; ++i) {
      REQUIRE(results[i]->has_value());
      CHECK(results[i]->value().front().integer == 1);
    }
    links->stop(error::other("test over"));
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("blocking workers: at stop, queued work fails unrun and running work as unknown",
          "[workers]") {
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  busy_work busy;
  std::atomic<bool> queued_ran{false};
  std::optional<outcome> queued_result;
  {
    redis::blocking_workers workers(&loop, 1, std::chrono::seconds(10));
    busy.occupy(workers, loop);
    workers.run(
        [&] {
          queued_ran = true;
          return one_integer(2);
        },
        [&](outcome r) { queued_result.emplace(std::move(r)); });
    workers.stop(error::other("closing"));
    REQUIRE(turn_until(loop, [&] { return busy.result && queued_result; }));
    REQUIRE_FALSE(queued_result->has_value());
    CHECK(queued_result->error().message == "closing");
    REQUIRE_FALSE(busy.result->has_value());
    CHECK(busy.result->error().message == "closing; the outcome is unknown");
  }
  busy.release.set_value();  // the thread finishes its work, finds the workers stopped, and ends
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
  CHECK_FALSE(queued_ran);
}

}  // namespace atomkv::redis_tests
