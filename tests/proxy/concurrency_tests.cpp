// Many clients at once through the proxy: counters end exact, optimistic transactions retried
// until they commit end at the exact total, and no client ever sees half of a transaction.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "proxy/hiredis_client.hpp"
#include "proxy/plain_subject.hpp"
#include "proxy/servers.hpp"

namespace atomkv::proxy_tests {

TEST_CASE("50 clients x 2000 INCR end at exactly 100000", "[concurrent]") {
  auto srv = running_plain_subject();
  constexpr int clients = 50, each = 2000;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      hiredis_client c(*srv, 10000);
      if (!c.ok()) {
        failures++;
        return;
      }
      for (int i = 0; i < each; ++i) {
        auto r = c.cmd({"INCR", "counter"});
        if (!r || r->type != REDIS_REPLY_INTEGER) {
          failures++;
          return;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(failures == 0);
  hiredis_client c(*srv);
  CHECK(str(c.cmd({"GET", "counter"})) == std::to_string(clients * each));
}

// BITFIELD INCRBY is one read-modify-write of the key on every backend: two counters in one
// value, one of them wrapping as u8, end exact.
TEST_CASE("50 clients x 100 BITFIELD INCRBY end at the exact totals", "[concurrent]") {
  auto srv = running_plain_subject();
  constexpr int clients = 50, each = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      hiredis_client c(*srv, 10000);
      if (!c.ok()) {
        failures++;
        return;
      }
      for (int i = 0; i < each; ++i) {
        auto r = c.cmd({"BITFIELD", "bits", "INCRBY", "i32", "0", "3", "INCRBY", "u8", "#4", "1"});
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
          failures++;
          return;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(failures == 0);
  hiredis_client c(*srv);
  auto totals = c.cmd({"BITFIELD_RO", "bits", "GET", "i32", "0", "GET", "u8", "#4"});
  REQUIRE(totals);
  REQUIRE(totals->type == REDIS_REPLY_ARRAY);
  REQUIRE(totals->elements == 2);
  CHECK(totals->element[0]->integer == 3 * clients * each);
  CHECK(totals->element[1]->integer == (clients * each) % 256);
}

// APPEND and INCRBYFLOAT read and write one key in one atomic step: 50 clients appending and 50
// adding at the same time lose nothing, and no two of them are handed the same result.
TEST_CASE("50 clients APPEND to one key and 50 INCRBYFLOAT another, all exact", "[concurrent]") {
  auto srv = running_plain_subject();
  constexpr int clients = 50, each = 100;
  constexpr std::size_t token_length = 4;  // "007." for client 7
  std::atomic<int> failures{0};
  std::mutex seen_mutex;
  std::vector<long long> lengths;  // APPEND's replies
  std::vector<double> sums;        // INCRBYFLOAT's replies
  std::string first_failure;
  auto fail = [&](std::string what) {
    std::lock_guard lock(seen_mutex);
    if (first_failure.empty()) {
      first_failure = std::move(what);
    }
    failures++;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * clients; ++t) {
    threads.emplace_back([&, t] {
      hiredis_client c(*srv, 10000);
      if (!c.ok()) {
        fail("connect: " + c.error());
        return;
      }
      const bool appends = t < clients;
      char token[token_length + 1];
      std::snprintf(token, sizeof token, "%03d.", t);
      std::vector<long long> my_lengths;
      std::vector<double> my_sums;
      for (int i = 0; i < each; ++i) {
        if (appends) {
          auto r = c.cmd({"APPEND", "text", token});
          if (!r || r->type != REDIS_REPLY_INTEGER) {
            fail("APPEND: " + str(r));
            return;
          }
          my_lengths.push_back(r->integer);
        } else {
          auto r = c.cmd({"INCRBYFLOAT", "sum", "0.25"});
          if (!r || r->type != REDIS_REPLY_STRING) {
            fail("INCRBYFLOAT: " + str(r));
            return;
          }
          my_sums.push_back(std::stod(str(r)));
        }
      }
      std::lock_guard lock(seen_mutex);
      lengths.insert(lengths.end(), my_lengths.begin(), my_lengths.end());
      sums.insert(sums.end(), my_sums.begin(), my_sums.end());
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  INFO(first_failure);
  REQUIRE(failures == 0);
  // Each step saw the one before it: the replies are 1..n steps, each once (quarters are exact).
  const int n = clients * each;
  std::sort(lengths.begin(), lengths.end());
  std::sort(sums.begin(), sums.end());
  REQUIRE(lengths.size() == static_cast<std::size_t>(n));
  REQUIRE(sums.size() == static_cast<std::size_t>(n));
  int out_of_place = 0;
  for (int i = 0; i < n; ++i) {
    out_of_place += lengths[i] != static_cast<long long>((i + 1) * token_length);
    out_of_place += sums[i] != (i + 1) * 0.25;
  }
  CHECK(out_of_place == 0);
  hiredis_client c(*srv);
  CHECK(str(c.cmd({"GET", "sum"})) == std::to_string(n / 4));
  std::string text = str(c.cmd({"GET", "text"}));
  REQUIRE(text.size() == n * token_length);
  std::map<std::string, int> per_client;
  for (std::size_t at = 0; at < text.size(); at += token_length) {
    per_client[text.substr(at, token_length)]++;
  }
  CHECK(per_client.size() == static_cast<std::size_t>(clients));
  for (const auto& [token, count] : per_client) {
    INFO(token);
    CHECK(count == each);
  }
}

TEST_CASE("16 clients retrying WATCH/GET/MULTI/SET/EXEC end at the exact total", "[concurrent]") {
  auto srv = running_plain_subject();
  constexpr int clients = 16, each = 200;
  std::atomic<int> failures{0};
  std::atomic<long> conflicts{0};
  // Catch2 is not thread-safe: workers keep the first unexpected reply for the main thread.
  std::mutex first_failure_mutex;
  std::string first_failure;
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&] {
      hiredis_client c(*srv, 10000);
      if (!c.ok()) {
        failures++;
        return;
      }
      for (int i = 0; i < each; ++i) {
        for (int attempt = 0;; ++attempt) {
          if (attempt > 100000) {
            failures++;
            return;
          }
          if (str(c.cmd({"WATCH", "total"})) != "OK") {
            failures++;
            return;
          }
          auto v = c.cmd({"GET", "total"});
          if (!v || (v->type != REDIS_REPLY_NIL && v->type != REDIS_REPLY_STRING)) {
            std::lock_guard lock(first_failure_mutex);
            if (first_failure.empty()) {
              first_failure = "GET total: " + str(v);
            }
            failures++;
            return;
          }
          long long current = v->type == REDIS_REPLY_NIL ? 0 : std::stoll(str(v));
          if (str(c.cmd({"MULTI"})) != "OK" ||
              str(c.cmd({"SET", "total", std::to_string(current + 1)})) != "QUEUED") {
            failures++;
            return;
          }
          auto r = c.cmd({"EXEC"});
          if (!r) {
            failures++;
            return;
          }
          if (r->type == REDIS_REPLY_NIL) {
            conflicts++;
            continue;
          }
          if (r->type != REDIS_REPLY_ARRAY || r->elements != 1) {
            failures++;
            return;
          }
          break;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  INFO(first_failure);
  CHECK(failures == 0);
  hiredis_client c(*srv);
  CHECK(str(c.cmd({"GET", "total"})) == std::to_string(clients * each));
  // Not a requirement, but with 16 writers a run without a single conflict would be suspicious.
  if (conflicts == 0) {
    WARN("no EXEC conflicted: the retry path went untested in this run");
  }
}

TEST_CASE("no client sees half of a multi-key EXEC", "[concurrent]") {
  auto srv = running_plain_subject();
  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, failures{0};
  constexpr int rounds = 2000;
  std::thread writer([&] {
    hiredis_client c(*srv, 10000);
    for (int i = 1; i <= rounds && c.ok(); ++i) {
      auto v = std::to_string(i);
      // The keys share a hash tag, so that a cluster serves the transaction in one slot.
      c.append({"MULTI"});
      c.append({"SET", "{t}a", v});
      c.append({"INCR", "{t}n"});
      c.append({"MSET", "{t}b", v, "{t}c", v});
      c.append({"EXEC"});
      for (int k = 0; k < 5; ++k) {
        if (!c.next_reply()) {
          failures++;
        }
      }
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      hiredis_client c(*srv, 10000);
      while (!done && c.ok()) {
        auto r = c.cmd({"MGET", "{t}a", "{t}b", "{t}c", "{t}n"});
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
          failures++;
          return;
        }
        auto field = [&](size_t i) {
          return r->element[i]->type == REDIS_REPLY_NIL ? std::string("0")
                                                        : std::string(r->element[i]->str);
        };
        if (field(0) != field(1) || field(1) != field(2) || field(2) != field(3)) {
          torn++;
        }
      }
    });
  }
  writer.join();
  for (auto& t : readers) {
    t.join();
  }
  CHECK(failures == 0);
  CHECK(torn == 0);
  hiredis_client c(*srv);
  CHECK(str(c.cmd({"GET", "{t}n"})) == std::to_string(rounds));
}

// The classic rate limiter: MULTI / INCR window / EXPIRE window 100 NX / EXEC. Each window
// counts every request exactly once (the counts handed out are 1..n, each once), only the first
// request of a window sets its deadline, and every window key ends with one.
TEST_CASE("30 clients x 100 rate-limited requests count every window exactly", "[concurrent]") {
  auto srv = running_plain_subject();
  constexpr int clients = 30, each = 100, windows = 4;
  std::atomic<int> failures{0};
  std::mutex seen_mutex;
  std::map<std::string, std::vector<long long>> counts_seen;
  std::map<std::string, int> deadlines_set;
  std::string first_failure;
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      hiredis_client c(*srv, 10000);
      if (!c.ok()) {
        failures++;
        return;
      }
      std::vector<std::pair<std::string, long long>> mine;
      std::map<std::string, int> set_here;
      for (int i = 0; i < each; ++i) {
        std::string key = "rate:" + std::to_string((t + i) % windows);
        c.append({"MULTI"});
        c.append({"INCR", key});
        c.append({"EXPIRE", key, "100", "NX"});
        c.append({"EXEC"});
        for (int k = 0; k < 3; ++k) {
          c.next_reply();
        }
        auto r = c.next_reply();
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[0]->type != REDIS_REPLY_INTEGER ||
            r->element[1]->type != REDIS_REPLY_INTEGER) {
          std::lock_guard lock(seen_mutex);
          if (first_failure.empty()) {
            first_failure = "EXEC: " + str(r);
          }
          failures++;
          return;
        }
        mine.emplace_back(key, r->element[0]->integer);
        set_here[key] += static_cast<int>(r->element[1]->integer);
      }
      std::lock_guard lock(seen_mutex);
      for (auto& [key, count] : mine) {
        counts_seen[key].push_back(count);
      }
      for (auto& [key, n] : set_here) {
        deadlines_set[key] += n;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  INFO(first_failure);
  REQUIRE(failures == 0);
  hiredis_client c(*srv);
  REQUIRE(counts_seen.size() == windows);
  for (auto& [key, counts] : counts_seen) {
    INFO(key);
    const long long n = clients * each / windows;
    std::sort(counts.begin(), counts.end());
    std::vector<long long> expected(n);
    for (long long i = 0; i < n; ++i) {
      expected[i] = i + 1;
    }
    CHECK(counts == expected);
    CHECK(deadlines_set[key] == 1);
    CHECK(str(c.cmd({"GET", key})) == std::to_string(n));
    long long ttl = integer(c.cmd({"TTL", key}));
    CHECK(ttl > 0);
    CHECK(ttl <= 100);
  }
}

// A lock with owner-only release: SET lock token NX PX 30000 to take it, WATCH / GET / MULTI /
// DEL / EXEC to give it back only while it is still one's own. A shared counter of clients
// inside the critical section never goes above one, and releases with the wrong token delete
// nothing.
TEST_CASE("10 contenders for a SET NX PX lock never hold it together", "[concurrent]") {
  auto srv = running_plain_subject();
  constexpr int contenders = 10, rounds = 20;
  std::atomic<int> inside{0}, overlaps{0}, failures{0}, acquired{0}, foreign_deletes{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < contenders; ++t) {
    threads.emplace_back([&, t] {
      hiredis_client c(*srv, 10000);
      if (!c.ok()) {
        failures++;
        return;
      }
      // Deletes the lock only if it holds `token`; whether it did.
      auto release = [&](const std::string& token) -> bool {
        for (int attempt = 0; attempt < 1000; ++attempt) {
          if (str(c.cmd({"WATCH", "lock"})) != "OK") {
            failures++;
            return false;
          }
          if (str(c.cmd({"GET", "lock"})) != token) {
            c.cmd({"UNWATCH"});
            return false;
          }
          c.append({"MULTI"});
          c.append({"DEL", "lock"});
          c.append({"EXEC"});
          c.next_reply();
          c.next_reply();
          auto r = c.next_reply();
          if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
            return r->element[0]->type == REDIS_REPLY_INTEGER && r->element[0]->integer == 1;
          }
          if (!r || r->type != REDIS_REPLY_NIL) {
            failures++;
            return false;
          }
        }
        failures++;
        return false;
      };
      for (int round = 0; round < rounds; ++round) {
        const std::string token = "owner-" + std::to_string(t) + "-" + std::to_string(round);
        for (int attempt = 0;; ++attempt) {
          if (attempt > 200000) {
            failures++;
            return;
          }
          auto r = c.cmd({"SET", "lock", token, "NX", "PX", "30000"});
          if (!r) {
            failures++;
            return;
          }
          if (r->type == REDIS_REPLY_STATUS) {
            break;
          }
          // Not ours: an owner-only release must leave it alone.
          if (attempt % 8 == 0 && release(token)) {
            foreign_deletes++;
          }
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        acquired++;
        if (inside.fetch_add(1) != 0) {
          overlaps++;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
        inside.fetch_sub(1);
        if (!release(token)) {
          failures++;
          return;
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(failures == 0);
  CHECK(overlaps == 0);
  CHECK(foreign_deletes == 0);
  CHECK(acquired == contenders * rounds);
  hiredis_client c(*srv);
  CHECK(integer(c.cmd({"EXISTS", "lock"})) == 0);
}

}  // namespace atomkv::proxy_tests
