// A dead or silent server: every call ends with an error within its timeouts, nothing hangs or
// crashes, and calls work again once the server is back. A call given up after it was sent says
// its outcome is unknown; one refused before (no connection) says why plainly. Passwords: with the
// right one the store works, without it connect() is access-denied.

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "atomkv/atomics.hpp"
#include "helpers.hpp"

namespace atomkv::redis_tests {
namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Timeouts of the stores below; a call may spend one connect and one command timeout.
constexpr auto kConnectTimeout = 300ms;
constexpr auto kCommandTimeout = 300ms;
constexpr auto kPoolWait = 300ms;
// How late a call may end beyond its timeouts on a loaded machine (not a speed check: a hang
// would exceed it by far).
constexpr auto kSlack = 3s;

std::string with_timeouts(const std::string& url) {
  return url + "?connect_timeout_ms=" + std::to_string(kConnectTimeout.count()) +
         "&command_timeout_ms=" + std::to_string(kCommandTimeout.count()) +
         "&pool_wait_ms=" + std::to_string(kPoolWait.count()) + "&pool_size=4";
}

struct load_report {
  std::atomic<long> ok{0};
  std::atomic<long> failed{0};
  std::atomic<long> longest_ms{0};
};

// Threads that increment and cas in a loop until told to stop, timing every call.
class load {
 public:
  load(const atomkv::bucket& bucket, int threads) {
    for (int t = 0; t < threads; ++t) {
      workers_.emplace_back([this, bucket, t] {
        std::string key = "load:" + std::to_string(t);
        while (!stop_) {
          auto start = clock::now();
          bool ok = false;
          if (t % 2 == 0) {
            ok = static_cast<bool>(atomics::increment(bucket, key, 1));
          } else if (auto handle = atomics::cas::make(bucket, key)) {
            ok = static_cast<bool>(atomics::swap(std::move(handle).value(), "x"));
          }
          auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start);
          (ok ? report.ok : report.failed)++;
          long previous = report.longest_ms.load();
          while (took.count() > previous &&
                 !report.longest_ms.compare_exchange_weak(previous, took.count())) {
          }
          if (!ok) {
            std::this_thread::sleep_for(5ms);
          }
        }
      });
    }
  }
  ~load() { finish(); }
  void finish() {
    stop_ = true;
    for (auto& w : workers_) {
      if (w.joinable()) {
        w.join();
      }
    }
  }
  // Waits (bounded) until the counters satisfy `done`.
  template <class Predicate>
  bool wait_for(Predicate done, std::chrono::seconds limit = 20s) {
    auto deadline = clock::now() + limit;
    while (!done()) {
      if (clock::now() > deadline) {
        return false;
      }
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  load_report report;

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

}  // namespace

TEST_CASE("redis-server killed under load: errors, no hang; back again: calls work", "[failure]") {
  testing::redis_server server;
  REQUIRE(server.running());
  auto store = connect_or_fail(with_timeouts(server.url()));
  auto bucket = open_or_fail(store, "");
  load running(bucket, 6);

  REQUIRE(running.wait_for([&] { return running.report.ok > 200; }));
  server.kill();
  long failed_before = running.report.failed;
  REQUIRE(running.wait_for([&] { return running.report.failed > failed_before + 50; }));

  REQUIRE(server.restart());
  long ok_after = running.report.ok;
  REQUIRE(running.wait_for([&] { return running.report.ok > ok_after + 200; }));
  running.finish();

  CHECK(running.report.longest_ms < std::chrono::duration_cast<std::chrono::milliseconds>(
                                        kConnectTimeout + kCommandTimeout + kPoolWait + kSlack)
                                        .count());
  // The same store, not a new one, works after the restart.
  CHECK(bucket.set("after", "restart"));
  CHECK(server.cli("GET after") == "restart");
}

TEST_CASE("a server that stops answering: calls fail after the command timeout, outcome unknown",
          "[failure]") {
  testing::redis_server server;
  REQUIRE(server.running());
  auto store = connect_or_fail(with_timeouts(server.url()));
  auto bucket = open_or_fail(store, "");
  REQUIRE(bucket.set("k", "v"));
  auto handle = atomics::cas::make(bucket, "k");  // holds the first connection
  REQUIRE(bucket.get("k"));                       // leaves a second one idle in the pool

  server.pause();
  auto start = clock::now();
  auto got = bucket.get("k");
  auto took = clock::now() - start;
  REQUIRE_FALSE(got);
  INFO(got.error().message);
  CHECK(got.error().message.find("no reply within") != std::string::npos);
  // The GET was sent on the idle connection: the caller is told it cannot know what happened.
  CHECK(outcome_unknown(got.error()));
  CHECK(took >= kCommandTimeout - 50ms);
  CHECK(took < kCommandTimeout + kPoolWait + kSlack);

  // The next one needs a new connection, whose handshake gets no reply: it was never sent.
  auto unsent = bucket.get("k");
  REQUIRE_FALSE(unsent);
  INFO(unsent.error().message);
  CHECK(unsent.error().message.find("no reply within") != std::string::npos);
  CHECK_FALSE(outcome_unknown(unsent.error()));

  // The swap times out too, and is a store error, not a write.
  auto swapped = atomics::swap(std::move(handle).value(), "w");
  REQUIRE_FALSE(swapped);
  CHECK(swapped.error().is_store_error());
  server.resume();

  // Broken connections were dropped; fresh ones answer.
  auto deadline = clock::now() + 10s;
  result<std::optional<std::string>> again = failure(error::other("not tried"));
  while (!(again = bucket.get("k")) && clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  REQUIRE(again);
  // The EXEC of the timed-out swap was sent before the pause took effect or not at all: the key
  // holds one of the two values, and no later unconditional write happened.
  CHECK((again.value() == "v" || again.value() == "w"));
}

TEST_CASE("requirepass: the right password connects, none or a wrong one is access-denied",
          "[failure][auth]") {
  testing::redis_server server(testing::redis_server_options{.requirepass = "s3cret"});
  REQUIRE(server.running());

  auto store = connect_or_fail(server.url(true));
  auto bucket = open_or_fail(store, "");
  REQUIRE(bucket.set("k", "v"));
  CHECK(server.cli("GET k") == "v");

  auto unix_store = connect_or_fail(server.unix_url(true));
  CHECK(open_or_fail(unix_store, "").get("k").value() == "v");

  auto without = atomkv::connect(server.url(false));
  REQUIRE_FALSE(without);
  CHECK(without.error().code == error::kind::access_denied);
  CHECK(without.error().message.find("NOAUTH") != std::string::npos);

  auto wrong = atomkv::connect("redis://:wrong@127.0.0.1:" + std::to_string(server.port()));
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == error::kind::access_denied);

  auto wrong_user =
      atomkv::connect("redis://nobody:s3cret@127.0.0.1:" + std::to_string(server.port()));
  REQUIRE_FALSE(wrong_user);
  CHECK(wrong_user.error().code == error::kind::access_denied);
}

}  // namespace atomkv::redis_tests
