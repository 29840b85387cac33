// The usual patterns of expiring keys under many clients, with the deadlines actually passing:
// a fixed-window rate limiter whose windows roll over while it is hammered, and a lock whose
// holder walks away and is taken over once its deadline passes.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "proxy/hiredis_client.hpp"
#include "proxy/plain_subject.hpp"
#include "support/unix_time.hpp"

namespace atomkv::proxy_tests {

using testing::unix_ms;

// MULTI / INCR rate / EXPIRE rate 1 NX / PEXPIRETIME rate / EXEC, for 2.5 s or more: the key
// expires every second and the next request starts a new window. PEXPIRETIME names the window
// each count belongs to (a new window's deadline is at least a second after the last one's), so
// every window must have handed out 1..n, each once, and only its first request set a deadline.
TEST_CASE("30 clients x 100 rate-limited requests count every window exactly as windows expire",
          "[concurrent]") {
  auto srv = running_plain_subject();
  constexpr int clients = 30, each = 100;
  constexpr auto pause = std::chrono::milliseconds(25);  // 100 requests span 2.5 s at least
  std::atomic<int> failures{0};
  std::mutex seen_mutex;
  std::map<long long, std::vector<long long>> counts_by_window;
  std::map<long long, int> deadlines_set_by_window;
  std::string first_failure;
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      hiredis_client c(*srv, 10000);
      if (!c.ok()) {
        failures++;
        return;
      }
      std::vector<std::array<long long, 3>> mine;  // window, count, deadline set
      for (int i = 0; i < each; ++i) {
        c.append({"MULTI"});
        c.append({"INCR", "rate"});
        c.append({"EXPIRE", "rate", "1", "NX"});
        c.append({"PEXPIRETIME", "rate"});
        c.append({"EXEC"});
        for (int k = 0; k < 4; ++k) {
          c.next_reply();
        }
        auto r = c.next_reply();
        const bool well_formed = r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
                                 std::all_of(r->element, r->element + 3, [](redisReply* e) {
                                   return e->type == REDIS_REPLY_INTEGER;
                                 });
        if (!well_formed) {
          std::lock_guard lock(seen_mutex);
          if (first_failure.empty()) {
            first_failure = "EXEC: " + str(r);
          }
          failures++;
          return;
        }
        mine.push_back({r->element[2]->integer, r->element[0]->integer, r->element[1]->integer});
        std::this_thread::sleep_for(pause);
      }
      std::lock_guard lock(seen_mutex);
      for (const auto& [window, count, set] : mine) {
        counts_by_window[window].push_back(count);
        deadlines_set_by_window[window] += static_cast<int>(set);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  INFO(first_failure);
  REQUIRE(failures == 0);
  // The run outlasts two windows at least: deadlines did pass under load.
  REQUIRE(counts_by_window.size() >= 2);
  std::size_t total = 0;
  long long previous_window = 0;
  for (auto& [window, counts] : counts_by_window) {
    INFO("window ending at " << window << ", " << counts.size() << " requests");
    CHECK(window > 0);  // every EXEC saw the key with a deadline
    if (previous_window != 0) {
      CHECK(window - previous_window >= 1000);
    }
    previous_window = window;
    std::sort(counts.begin(), counts.end());
    std::vector<long long> expected(counts.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      expected[i] = static_cast<long long>(i) + 1;
    }
    CHECK(counts == expected);
    CHECK(deadlines_set_by_window[window] == 1);
    total += counts.size();
  }
  CHECK(total == static_cast<std::size_t>(clients * each));
}

// One client takes the lock for 300 ms and stalls in the middle of its owner-only release: it
// has WATCHed the lock and seen its own token. Nine others spin on SET NX. Exactly one takes the
// lock over, never before the first holder's deadline, and the stalled release's EXEC then fails
// (the watched key expired and was set again), leaving the new holder's lock alone.
TEST_CASE("a lock whose holder walks away is taken over by one contender after its deadline",
          "[concurrent]") {
  auto srv = running_plain_subject();
  constexpr int contenders = 9;
  hiredis_client first(*srv, 10000);
  REQUIRE(first.ok());
  const long long before_taking = unix_ms();
  REQUIRE(str(first.cmd({"SET", "lock", "walked-away", "NX", "PX", "300"})) == "OK");
  REQUIRE(str(first.cmd({"WATCH", "lock"})) == "OK");
  REQUIRE(str(first.cmd({"GET", "lock"})) == "walked-away");  // its own: it would delete it

  std::atomic<int> winners{0}, failures{0};
  std::atomic<bool> taken{false};
  std::atomic<long long> taken_at{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < contenders; ++t) {
    threads.emplace_back([&, t] {
      hiredis_client c(*srv, 10000);
      if (!c.ok()) {
        failures++;
        return;
      }
      const std::string token = "contender-" + std::to_string(t);
      for (int attempt = 0; !taken.load(); ++attempt) {
        if (attempt > 100000) {
          failures++;
          return;
        }
        auto r = c.cmd({"SET", "lock", token, "NX", "PX", "30000"});
        if (!r || (r->type != REDIS_REPLY_STATUS && r->type != REDIS_REPLY_NIL)) {
          failures++;
          return;
        }
        if (r->type == REDIS_REPLY_STATUS) {
          taken_at = unix_ms();
          winners++;
          taken = true;
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      // Taken by another: still refused.
      auto again = c.cmd({"SET", "lock", token, "NX", "PX", "30000"});
      if (!again || again->type != REDIS_REPLY_NIL) {
        failures++;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  REQUIRE(failures == 0);
  REQUIRE(winners == 1);
  CHECK(taken_at.load() >= before_taking + 300);

  // The stalled release goes on: its transaction must not run.
  REQUIRE(str(first.cmd({"MULTI"})) == "OK");
  REQUIRE(str(first.cmd({"DEL", "lock"})) == "QUEUED");
  auto exec = first.cmd({"EXEC"});
  REQUIRE(exec);
  CHECK(exec->type == REDIS_REPLY_NIL);
  const std::string holder = str(first.cmd({"GET", "lock"}));
  CHECK(holder.starts_with("contender-"));
  const long long left = integer(first.cmd({"PTTL", "lock"}));
  CHECK(left > 25000);
  CHECK(left <= 30000);
}

}  // namespace atomkv::proxy_tests
