// The proxy in front of a real redis-server (--backend redis-server only, tag [upstream]): other
// Redis clients talk to the same server directly, and the proxy must keep Redis's semantics
// toward them — a write straight to Redis breaks a proxy client's WATCH, database n is Redis's
// database n, a client that vanishes mid-transaction leaves nothing behind on the shared
// connections, and a Redis that dies under load means prompt errors, then service again.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "proxy/hiredis_client.hpp"
#include "proxy/servers.hpp"
#include "support/proxy_server.hpp"
#include "support/redis_server.hpp"
#include "support/test_backend.hpp"

namespace atomkv::proxy_tests {

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

std::unique_ptr<server> started() {
  auto s = start_subject({});
  INFO(s->error());
  REQUIRE(s->running());
  return s;
}

testing::redis_server& backend() {
  auto* redis = testing::backend_redis_server();
  INFO("these tests need the proxy on a redis-server the harness started: --backend redis-server");
  REQUIRE(redis != nullptr);
  REQUIRE(redis->running());
  return *redis;
}

bool is_null_array(const reply_ptr& r) {
  return r && r->type == REDIS_REPLY_NIL;
}

}  // namespace

TEST_CASE("a write straight to Redis between WATCH and EXEC makes EXEC return nil", "[.upstream]") {
  auto srv = started();
  auto& redis = backend();
  hiredis_client proxy(*srv);
  hiredis_client direct("127.0.0.1", redis.port());
  REQUIRE(proxy.ok());
  REQUIRE(direct.ok());

  CHECK(str(proxy.cmd({"SET", "watched", "before"})) == "OK");
  CHECK(str(proxy.cmd({"WATCH", "watched"})) == "OK");
  CHECK(str(direct.cmd({"SET", "watched", "from-redis"})) == "OK");
  CHECK(str(proxy.cmd({"MULTI"})) == "OK");
  CHECK(str(proxy.cmd({"SET", "watched", "from-proxy"})) == "QUEUED");
  CHECK(is_null_array(proxy.cmd({"EXEC"})));
  CHECK(str(direct.cmd({"GET", "watched"})) == "from-redis");

  // The same flow without the outside write commits.
  CHECK(str(proxy.cmd({"WATCH", "watched"})) == "OK");
  CHECK(str(proxy.cmd({"MULTI"})) == "OK");
  CHECK(str(proxy.cmd({"SET", "watched", "from-proxy"})) == "QUEUED");
  auto committed = proxy.cmd({"EXEC"});
  REQUIRE(committed);
  CHECK(committed->type == REDIS_REPLY_ARRAY);
  CHECK(str(direct.cmd({"GET", "watched"})) == "from-proxy");

  // A counter written by both sides: INCR through the proxy, INCRBY straight to Redis.
  CHECK(integer(proxy.cmd({"INCR", "shared-counter"})) == 1);
  CHECK(integer(direct.cmd({"INCRBY", "shared-counter", "10"})) == 11);
  CHECK(integer(proxy.cmd({"INCR", "shared-counter"})) == 12);
}

TEST_CASE("SELECT n through the proxy is Redis's database n", "[.upstream]") {
  auto srv = started();
  auto& redis = backend();
  hiredis_client proxy(*srv);
  hiredis_client direct("127.0.0.1", redis.port());
  REQUIRE(proxy.ok());
  REQUIRE(direct.ok());

  CHECK(str(proxy.cmd({"SELECT", "5"})) == "OK");
  CHECK(str(proxy.cmd({"SET", "in-five", "5"})) == "OK");
  CHECK(str(direct.cmd({"SELECT", "5"})) == "OK");
  CHECK(str(direct.cmd({"GET", "in-five"})) == "5");
  CHECK(str(direct.cmd({"SET", "written-in-five", "x"})) == "OK");
  CHECK(str(proxy.cmd({"GET", "written-in-five"})) == "x");
  CHECK(integer(proxy.cmd({"DBSIZE"})) == 2);

  CHECK(str(proxy.cmd({"SELECT", "0"})) == "OK");
  CHECK(integer(proxy.cmd({"DBSIZE"})) == 0);
  CHECK(str(direct.cmd({"SELECT", "0"})) == "OK");
  CHECK(integer(direct.cmd({"EXISTS", "in-five", "5:in-five"})) == 0);
}

TEST_CASE("KEYS through the proxy is one native KEYS on Redis, not SCAN pages", "[.upstream]") {
  // SCAN may return a key twice while Redis rehashes; KEYS lists one state of the database.
  auto srv = started();
  auto& redis = backend();
  hiredis_client proxy(*srv);
  hiredis_client direct("127.0.0.1", redis.port());
  REQUIRE(proxy.ok());
  REQUIRE(direct.ok());

  std::vector<std::string> mset{"MSET"};
  for (int i = 0; i < 3000; ++i) {
    mset.push_back("listed:" + std::to_string(i));
    mset.push_back("v");
  }
  CHECK(str(proxy.cmd(mset)) == "OK");
  CHECK(str(direct.cmd({"CONFIG", "RESETSTAT"})) == "OK");

  auto listed = proxy.cmd({"KEYS", "listed:*"});
  REQUIRE(listed);
  REQUIRE(listed->type == REDIS_REPLY_ARRAY);
  CHECK(listed->elements == 3000);

  std::string stats = str(direct.cmd({"INFO", "commandstats"}));
  INFO(stats);
  CHECK(stats.find("cmdstat_keys:calls=1,") != std::string::npos);
  CHECK(stats.find("cmdstat_scan:") == std::string::npos);
}

namespace {

// Every key of a full SCAN from cursor 0, with `options` after the cursor.
std::vector<std::string> scanned(hiredis_client& c, std::vector<std::string> options) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    std::vector<std::string> args{"SCAN", cursor};
    args.insert(args.end(), options.begin(), options.end());
    auto page = c.cmd(args);
    REQUIRE(page);
    REQUIRE(page->type == REDIS_REPLY_ARRAY);
    REQUIRE(page->elements == 2);
    cursor.assign(page->element[0]->str, page->element[0]->len);
    for (std::size_t i = 0; i < page->element[1]->elements; ++i) {
      const auto* key = page->element[1]->element[i];
      keys.emplace_back(key->str, key->len);
    }
  } while (cursor != "0");
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

TEST_CASE("TYPE and SCAN ... TYPE through the proxy see Redis's own types", "[.upstream]") {
  // Other Redis clients may store lists, hashes and sets next to the proxy's strings.
  auto srv = started();
  auto& redis = backend();
  hiredis_client proxy(*srv);
  hiredis_client direct("127.0.0.1", redis.port());
  REQUIRE(proxy.ok());
  REQUIRE(direct.ok());
  CHECK(integer(direct.cmd({"RPUSH", "a-list", "x"})) == 1);
  CHECK(integer(direct.cmd({"HSET", "a-hash", "f", "v"})) == 1);
  CHECK(integer(direct.cmd({"SADD", "a-set", "m"})) == 1);
  CHECK(str(proxy.cmd({"SET", "a-string", "v"})) == "OK");

  CHECK(str(proxy.cmd({"TYPE", "a-list"})) == "list");
  CHECK(str(proxy.cmd({"TYPE", "a-hash"})) == "hash");
  CHECK(str(proxy.cmd({"TYPE", "a-set"})) == "set");
  CHECK(str(proxy.cmd({"TYPE", "a-string"})) == "string");
  CHECK(str(proxy.cmd({"TYPE", "missing"})) == "none");

  using keys = std::vector<std::string>;
  CHECK(scanned(proxy, {"TYPE", "list"}) == keys{"a-list"});
  CHECK(scanned(proxy, {"TYPE", "HASH"}) == keys{"a-hash"});
  CHECK(scanned(proxy, {"TYPE", "string"}) == keys{"a-string"});
  CHECK(scanned(proxy, {"MATCH", "a-s*", "COUNT", "100", "TYPE", "set"}) == keys{"a-set"});
  CHECK(scanned(proxy, {}) == keys{"a-hash", "a-list", "a-set", "a-string"});

  // Inside EXEC too: TYPE and SCAN ... TYPE are Redis's there as well.
  CHECK(str(proxy.cmd({"MULTI"})) == "OK");
  CHECK(str(proxy.cmd({"TYPE", "a-list"})) == "QUEUED");
  CHECK(str(proxy.cmd({"SCAN", "0", "COUNT", "1000", "TYPE", "hash"})) == "QUEUED");
  CHECK(str(proxy.cmd({"SCAN", "0", "COUNT", "1000", "TYPE", "string"})) == "QUEUED");
  auto exec = proxy.cmd({"EXEC"});
  REQUIRE(exec);
  REQUIRE(exec->type == REDIS_REPLY_ARRAY);
  REQUIRE(exec->elements == 3);
  CHECK(exec->element[0]->type == REDIS_REPLY_STATUS);
  CHECK(std::string(exec->element[0]->str, exec->element[0]->len) == "list");
  for (std::size_t i = 1; i < 3; ++i) {
    const auto* page = exec->element[i];
    REQUIRE(page->type == REDIS_REPLY_ARRAY);
    REQUIRE(page->elements == 2);
    CHECK(std::string(page->element[0]->str, page->element[0]->len) == "0");
    REQUIRE(page->element[1]->elements == 1);
    const auto* key = page->element[1]->element[0];
    CHECK(std::string(key->str, key->len) == (i == 1 ? "a-hash" : "a-string"));
  }
}

TEST_CASE("clients that vanish mid-WATCH or mid-MULTI leave nothing behind", "[.upstream]") {
  auto srv = started();
  auto& redis = backend();
  hiredis_client direct("127.0.0.1", redis.port());
  REQUIRE(direct.ok());
  constexpr int kClients = 10;

  // Each holds a WATCH (half of them inside MULTI with a queued write), then disconnects.
  for (int i = 0; i < kClients; ++i) {
    hiredis_client leaving(*srv);
    REQUIRE(leaving.ok());
    const std::string key = "left-" + std::to_string(i);
    CHECK(str(leaving.cmd({"WATCH", key})) == "OK");
    if (i % 2 == 0) {
      CHECK(str(leaving.cmd({"MULTI"})) == "OK");
      CHECK(str(leaving.cmd({"SET", key, "never"})) == "QUEUED");
    }
  }
  std::this_thread::sleep_for(200ms);  // the proxy notices the disconnects
  for (int i = 0; i < kClients; ++i) {
    CHECK(str(direct.cmd({"SET", "left-" + std::to_string(i), "touched"})) == "OK");
  }
  // Nothing the leavers queued was applied, and no connection of the proxy is inside MULTI.
  for (int i = 0; i < kClients; ++i) {
    CHECK(str(direct.cmd({"GET", "left-" + std::to_string(i)})) == "touched");
  }
  auto clients = direct.cmd({"CLIENT", "LIST"});
  REQUIRE(clients);
  CHECK(std::string(clients->str, clients->len).find("multi=-1") != std::string::npos);
  CHECK(std::string(clients->str, clients->len).find("flags=x") == std::string::npos);

  // New clients' transactions run on the connections the leavers held: a WATCH left on any of
  // them (on a key written above) would make one of these EXECs return nil.
  std::vector<std::unique_ptr<hiredis_client>> next;
  for (int i = 0; i < kClients; ++i) {
    next.push_back(std::make_unique<hiredis_client>(*srv));
    REQUIRE(next.back()->ok());
    CHECK(str(next.back()->cmd({"WATCH", "fresh-" + std::to_string(i)})) == "OK");
  }
  for (int i = 0; i < kClients; ++i) {
    auto& c = *next[i];
    CHECK(str(c.cmd({"MULTI"})) == "OK");
    CHECK(str(c.cmd({"SET", "fresh-" + std::to_string(i), "done"})) == "QUEUED");
    auto r = c.cmd({"EXEC"});
    REQUIRE(r);
    CHECK(r->type == REDIS_REPLY_ARRAY);
  }
}

TEST_CASE("redis-server killed under load: prompt errors, then service again", "[.upstream]") {
  auto srv = started();
  auto& redis = backend();
  constexpr int kClients = 8;
  std::atomic<bool> killed{false}, restarted{false}, stop{false};
  std::atomic<int> io_failures{0}, unexpected{0}, saw_error{0}, recovered{0};
  std::atomic<long> slowest_error_ms{0};
  clock_type::time_point killed_at;
  std::vector<std::thread> load;
  for (int t = 0; t < kClients; ++t) {
    load.emplace_back([&] {
      hiredis_client c(*srv, 10000);
      if (!c.ok()) {
        io_failures++;
        return;
      }
      bool errored = false, back = false;
      while (!stop) {
        auto sent = clock_type::now();
        auto r = c.cmd({"INCR", "under-load"});
        if (!r) {
          io_failures++;  // the proxy dropped the client or did not answer within 10 s
          return;
        }
        if (r->type == REDIS_REPLY_ERROR) {
          if (std::string(r->str, r->len).rfind("ERR ", 0) != 0) {
            unexpected++;
          }
          if (!errored && killed) {
            errored = true;
            saw_error++;
            auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                              clock_type::now() - std::max(sent, killed_at))
                              .count();
            long seen = slowest_error_ms;
            while (waited > seen && !slowest_error_ms.compare_exchange_weak(seen, waited)) {
            }
          }
          std::this_thread::sleep_for(5ms);
        } else if (r->type == REDIS_REPLY_INTEGER) {
          if (restarted && errored && !back) {
            back = true;
            recovered++;
          }
        } else {
          unexpected++;
        }
      }
    });
  }
  std::this_thread::sleep_for(300ms);
  killed_at = clock_type::now();
  killed = true;
  redis.kill();
  auto deadline = clock_type::now() + 5s;
  while (saw_error < kClients && clock_type::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  CHECK(saw_error == kClients);
  REQUIRE(redis.restart());
  restarted = true;
  deadline = clock_type::now() + 10s;
  while (recovered < kClients && clock_type::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  stop = true;
  for (auto& t : load) {
    t.join();
  }
  CHECK(io_failures == 0);
  CHECK(unexpected == 0);
  CHECK(recovered == kClients);
  // Errors came from the lost connection at once, not from a timeout.
  CHECK(slowest_error_ms < 1000);
  CHECK(srv->alive());
}

TEST_CASE("a stopped redis-server means errors after the command timeout", "[.upstream]") {
  testing::resolve_backend("redis-server");  // the backend server, started if need be
  auto& redis = backend();
  testing::proxy_server_options options;
  options.backend = redis.url() + "?command_timeout_ms=300";
  testing::proxy_server proxy(options);
  INFO(proxy.error());
  REQUIRE(proxy.running());
  hiredis_client c("127.0.0.1", proxy.port(), 10000);
  REQUIRE(c.ok());
  CHECK(integer(c.cmd({"INCR", "paused"})) >= 1);

  redis.pause();
  auto sent = clock_type::now();
  auto r = c.cmd({"INCR", "paused"});
  auto waited = clock_type::now() - sent;
  redis.resume();
  REQUIRE(r);
  CHECK(r->type == REDIS_REPLY_ERROR);
  CHECK(std::string(r->str, r->len).find("no reply within 300 ms") != std::string::npos);
  CHECK(waited < 2s);
  // A new connection serves again; nothing was retried (the timed-out INCR ran at most once).
  auto after = c.cmd({"INCR", "paused"});
  REQUIRE(after);
  CHECK(after->type == REDIS_REPLY_INTEGER);
  CHECK(after->integer >= 2);
  CHECK(after->integer <= 3);
  CHECK(proxy.alive());
}

}  // namespace atomkv::proxy_tests
