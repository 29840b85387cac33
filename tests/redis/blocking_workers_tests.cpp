// The cluster store's worker threads (blocking_workers.hpp), without a cluster: work that waits
// for a busy thread fails when its queue wait is over, not when a thread frees, and nothing of
// it runs; a job that throws fails with an unknown outcome; work still queued at stop fails.

#include <uv.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include "redis/blocking_workers.hpp"

namespace atomkv::redis_tests {
namespace {

using outcome = redis::blocking_workers::outcome;

constexpr auto kQueueWait = std::chrono::milliseconds(50);

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
  std::atomic<bool> queued_ran{false};
  std::optional<outcome> queued_result, thrown_result;
  {
    redis::blocking_workers workers(&loop, 1, kQueueWait);
    CHECK_FALSE(busy.occupy(workers, loop));  // a thread was started for it

    const auto queued_at = std::chrono::steady_clock::now();
    const bool queued_waits = workers.run(
        [&] {
          queued_ran = true;
          return one_integer(2);
        },
        [&](outcome r) { queued_result.emplace(std::move(r)); });
    CHECK(queued_waits);  // the one thread is busy
    std::this_thread::sleep_for(kQueueWait + std::chrono::milliseconds(10));
    workers.fail_overdue();
    REQUIRE(turn_until(loop, [&] { return queued_result.has_value(); }));
    CHECK(std::chrono::steady_clock::now() - queued_at >= kQueueWait);
    CHECK_FALSE(busy.result.has_value());  // the thread is still busy: failed without it
    REQUIRE_FALSE(queued_result->has_value());
    CHECK(queued_result->error().message.find("nothing applied") != std::string::npos);

    busy.release.set_value();
    REQUIRE(turn_until(loop, [&] { return busy.result.has_value(); }));
    REQUIRE(busy.result->has_value());
    CHECK(busy.result->value().front().integer == 1);
    CHECK_FALSE(queued_ran);  // the thread, free again, did not run what had failed

    workers.run([]() -> outcome { throw std::runtime_error("out of luck"); },
                [&](outcome r) { thrown_result.emplace(std::move(r)); });
    REQUIRE(turn_until(loop, [&] { return thrown_result.has_value(); }));
    REQUIRE_FALSE(thrown_result->has_value());
    CHECK(thrown_result->error().message == "redis cluster: out of luck; the outcome is unknown");
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
