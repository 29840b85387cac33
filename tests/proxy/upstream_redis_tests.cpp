// The proxy in front of a real redis-server (--backend redis-server only, tag [upstream]): other
// Redis clients talk to the same server directly, and the proxy must keep Redis's semantics
// toward them — a write straight to Redis breaks a proxy client's WATCH, database n is Redis's
// database n, a client that vanishes mid-transaction leaves nothing behind on the shared
// connections, a slow Redis is waited for, and a Redis that dies means prompt errors that say
// whether a command may have run, then service again.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <sstream>
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

// An error for a command that may have run.
bool says_outcome_unknown(const reply_ptr& r) {
  return r && r->type == REDIS_REPLY_ERROR &&
         std::string(r->str, r->len).find("the outcome is unknown") != std::string::npos;
}

// An error for a command never sent: no connection to Redis.
bool says_not_connected(const reply_ptr& r) {
  return r && r->type == REDIS_REPLY_ERROR &&
         std::string(r->str, r->len).find("cannot connect") != std::string::npos;
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

// How many commands Redis ran since CONFIG RESETSTAT, by name, from INFO commandstats: the
// harness's own CONFIG and INFO left out.
std::map<std::string, long long> commands_run(hiredis_client& direct) {
  std::map<std::string, long long> run;
  std::istringstream lines(str(direct.cmd({"INFO", "commandstats"})));
  for (std::string line; std::getline(lines, line);) {
    const std::string prefix = "cmdstat_";
    const auto colon = line.find(":calls=");
    if (!line.starts_with(prefix) || colon == std::string::npos) {
      continue;
    }
    const std::string name = line.substr(prefix.size(), colon - prefix.size());
    if (!name.starts_with("config") && name != "info") {
      run[name] = std::stoll(line.substr(colon + 7));
    }
  }
  return run;
}

}  // namespace

TEST_CASE("every expiry command through the proxy is one native command on Redis", "[.upstream]") {
  auto srv = started();
  auto& redis = backend();
  hiredis_client proxy(*srv);
  hiredis_client direct("127.0.0.1", redis.port());
  REQUIRE(proxy.ok());
  REQUIRE(direct.ok());
  const std::string later_s = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(1))
          .count());
  const std::string later_ms = later_s + "000";
  const std::vector<std::vector<std::string>> commands{
      {"SET", "ex", "v", "EX", "100"},
      {"SET", "ex", "v", "PX", "100000", "NX"},
      {"SET", "ex", "w", "EXAT", later_s, "XX", "GET"},
      {"SET", "ex", "x", "PXAT", later_ms},
      {"SET", "ex", "y", "KEEPTTL"},
      {"SETEX", "ex", "100", "v"},
      {"PSETEX", "ex", "100000", "v"},
      {"GETEX", "ex", "EX", "200"},
      {"GETEX", "ex", "PXAT", later_ms},
      {"GETEX", "ex", "PERSIST"},
      {"EXPIRE", "ex", "100", "NX"},
      {"PEXPIRE", "ex", "200000", "GT"},
      {"EXPIREAT", "ex", later_s, "XX"},
      {"PEXPIREAT", "ex", later_ms, "LT"},
      {"TTL", "ex"},
      {"PTTL", "ex"},
      {"EXPIRETIME", "ex"},
      {"PEXPIRETIME", "ex"},
      {"INCR", "counter"},
      {"EXPIRE", "counter", "100"},
      {"INCRBY", "counter", "5"},
      {"PERSIST", "ex"},
      {"EXPIRE", "ex", "-1"},
  };
  for (const auto& command : commands) {
    std::string text;
    for (const auto& arg : command) {
      text += arg + " ";
    }
    INFO(text);
    REQUIRE(str(direct.cmd({"CONFIG", "RESETSTAT"})) == "OK");
    auto reply = proxy.cmd(command);
    REQUIRE(reply);
    CHECK(reply->type != REDIS_REPLY_ERROR);
    const auto run = commands_run(direct);
    long long total = 0;
    std::string seen;
    for (const auto& [name, calls] : run) {
      total += calls;
      seen += name + "=" + std::to_string(calls) + " ";
    }
    INFO("Redis ran: " << seen);
    CHECK(total == 1);
  }
  // The last EXPIRE, into the past, deleted the key on Redis itself.
  CHECK(integer(direct.cmd({"EXISTS", "ex"})) == 0);
  CHECK(integer(direct.cmd({"TTL", "counter"})) > 0);
  CHECK(str(direct.cmd({"GET", "counter"})) == "6");
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

TEST_CASE("bit commands on keys of other types answer as Redis does, errors in its order",
          "[.upstream]") {
  // A list another client stored: WRONGTYPE, unless Redis refuses an argument before it looks
  // the key up. The same server answers directly, so each reply is compared with its own.
  auto srv = started();
  auto& redis = backend();
  hiredis_client proxy(*srv);
  hiredis_client direct("127.0.0.1", redis.port());
  REQUIRE(proxy.ok());
  REQUIRE(direct.ok());
  CHECK(integer(direct.cmd({"RPUSH", "a-list", "x"})) == 1);
  CHECK(str(direct.cmd({"SET", "a-string", "\x0f"})) == "OK");
  const std::vector<std::vector<std::string>> commands = {
      {"SETBIT", "a-list", "0", "1"},
      {"SETBIT", "a-list", "-1", "1"},
      {"SETBIT", "a-list", "0", "2"},
      {"GETBIT", "a-list", "0"},
      {"GETBIT", "a-list", "x"},
      {"BITCOUNT", "a-list"},
      {"BITCOUNT", "a-list", "x"},
      {"BITPOS", "a-list", "1"},
      {"BITPOS", "a-list", "2"},
      {"BITPOS", "a-list", "1", "x"},
      {"BITOP", "OR", "dest", "a-string", "a-list"},
      {"BITOP", "NOT", "dest", "a-list", "a-string"},
      {"BITFIELD", "a-list", "GET", "u8", "0"},
      {"BITFIELD", "a-list", "INCRBY", "u8", "0", "1"},
      {"BITFIELD", "a-list", "GET", "u64", "0"},
      {"BITFIELD_RO", "a-list", "GET", "u8", "0"},
      {"BITFIELD_RO", "a-list", "SET", "u8", "0", "1"},
  };
  for (const auto& command : commands) {
    std::string shown_command;
    for (const auto& word : command) {
      shown_command += word + " ";
    }
    INFO(shown_command);
    const std::string expected = str(direct.cmd(command));
    CHECK(str(proxy.cmd(command)) == expected);
  }
  CHECK(str(proxy.cmd({"TYPE", "a-list"})) == "list");
  CHECK(str(proxy.cmd({"GET", "a-string"})) == "\x0f");

  // Inside EXEC, each is its own entry.
  CHECK(str(proxy.cmd({"MULTI"})) == "OK");
  CHECK(str(proxy.cmd({"SETBIT", "a-list", "0", "1"})) == "QUEUED");
  CHECK(str(proxy.cmd({"BITFIELD", "a-string", "INCRBY", "u8", "0", "1"})) == "QUEUED");
  auto exec = proxy.cmd({"EXEC"});
  REQUIRE(exec);
  REQUIRE(exec->type == REDIS_REPLY_ARRAY);
  REQUIRE(exec->elements == 2);
  CHECK(exec->element[0]->type == REDIS_REPLY_ERROR);
  CHECK(std::string(exec->element[0]->str, exec->element[0]->len).rfind("WRONGTYPE", 0) == 0);
  REQUIRE(exec->element[1]->type == REDIS_REPLY_ARRAY);
  CHECK(exec->element[1]->element[0]->integer == 16);

  // BITOP's destination is overwritten whatever its type, as Redis overwrites it.
  CHECK(integer(proxy.cmd({"BITOP", "OR", "a-list", "a-string"})) == 1);
  CHECK(str(direct.cmd({"TYPE", "a-list"})) == "string");
}

namespace {

// A reply as the test below compares them: its type, then its text or its elements.
std::string shown(const redisReply* r) {
  if (r == nullptr) {
    return "(no reply)";
  }
  std::string out = std::to_string(r->type) + ":";
  if (r->type == REDIS_REPLY_INTEGER) {
    return out + std::to_string(r->integer);
  }
  if (r->type == REDIS_REPLY_ARRAY) {
    for (std::size_t i = 0; i < r->elements; ++i) {
      out += "[" + shown(r->element[i]) + "]";
    }
    return out;
  }
  return out + std::string(r->str != nullptr ? r->str : "", r->len);
}

}  // namespace

TEST_CASE("string edits and LCS through the proxy answer keys of other types as Redis does",
          "[.upstream]") {
  auto srv = started();
  auto& redis = backend();
  hiredis_client proxy(*srv);
  hiredis_client direct("127.0.0.1", redis.port());
  REQUIRE(proxy.ok());
  REQUIRE(direct.ok());
  CHECK(integer(direct.cmd({"RPUSH", "a-list", "x"})) == 1);
  CHECK(str(direct.cmd({"SET", "a-string", "ohmytext"})) == "OK");
  // Each is sent to Redis directly and through the proxy: the same reply, the same effect (none).
  const std::vector<std::vector<std::string>> commands = {
      {"APPEND", "a-list", "x"},
      {"GETRANGE", "a-list", "0", "-1"},
      {"GETRANGE", "a-list", "x", "1"},
      {"SUBSTR", "a-list", "0", "1"},
      {"SETRANGE", "a-list", "0", "x"},
      {"SETRANGE", "a-list", "0", ""},
      {"SETRANGE", "a-list", "-1", "x"},
      {"SETRANGE", "a-list", "536870912", "x"},
      {"INCRBYFLOAT", "a-list", "1"},
      {"INCRBYFLOAT", "a-list", "abc"},
      {"LCS", "a-list", "a-string"},
      {"LCS", "a-string", "a-list", "IDX"},
      {"LCS", "missing", "a-list", "FOO"},
      {"LCS", "a-string", "a-list", "LEN", "IDX"},
      {"LCS", "a-string", "missing", "FOO"},
  };
  for (const auto& args : commands) {
    INFO(args[0] << " " << args[1] << " " << args[2]);
    CHECK(shown(proxy.cmd(args).get()) == shown(direct.cmd(args).get()));
  }
  // Inside EXEC too, each its own entry.
  CHECK(str(proxy.cmd({"MULTI"})) == "OK");
  CHECK(str(direct.cmd({"MULTI"})) == "OK");
  for (const auto& args : commands) {
    CHECK(str(proxy.cmd(args)) == "QUEUED");
    CHECK(str(direct.cmd(args)) == "QUEUED");
  }
  CHECK(shown(proxy.cmd({"EXEC"}).get()) == shown(direct.cmd({"EXEC"}).get()));
  CHECK(integer(direct.cmd({"LLEN", "a-list"})) == 1);
  CHECK(str(direct.cmd({"GET", "a-string"})) == "ohmytext");
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
          // Sent before the kill: the outcome is unknown; after it: never sent, plainly refused.
          if (std::string(r->str, r->len).rfind("ERR ", 0) != 0 ||
              !(says_outcome_unknown(r) || says_not_connected(r))) {
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

namespace {

// INCRs from `clients` clients through the proxy until stopped: every reply is counted, so that
// the counter in Redis can be checked against the number of integer replies.
class incr_load {
 public:
  incr_load(const testing::proxy_server& proxy, const std::string& key, int clients) {
    for (int t = 0; t < clients; ++t) {
      threads_.emplace_back([this, &proxy, key] {
        hiredis_client c("127.0.0.1", proxy.port(), 30000);
        if (!c.ok()) {
          io_failures++;
          return;
        }
        while (!stop_) {
          auto sent = clock_type::now();
          auto r = c.cmd({"INCR", key});
          auto took =
              std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - sent);
          long seen = longest_ms;
          while (took.count() > seen && !longest_ms.compare_exchange_weak(seen, took.count())) {
          }
          if (!r) {
            io_failures++;
            return;
          }
          if (r->type == REDIS_REPLY_INTEGER) {
            ok++;
          } else {
            errors++;
            std::lock_guard guard(lock_);
            first_error = first_error.empty() ? str(r) : first_error;
          }
        }
      });
    }
  }
  ~incr_load() { finish(); }
  void finish() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) {
        t.join();
      }
    }
  }

  std::atomic<long> ok{0}, errors{0}, io_failures{0}, longest_ms{0};
  std::string first_error;

 private:
  std::atomic<bool> stop_{false};
  std::mutex lock_;
  std::vector<std::thread> threads_;
};

testing::proxy_server proxy_on(const std::string& backend_url,
                               std::vector<std::string> extra_args = {}) {
  testing::proxy_server_options options;
  options.backend = backend_url;
  options.extra_args = std::move(extra_args);
  return testing::proxy_server(options);
}

}  // namespace

TEST_CASE("a paused redis-server is waited for: no INCR fails, the counter counts every OK",
          "[.upstream]") {
  testing::resolve_backend("redis-server");
  auto& redis = backend();
  // Probes every 200 ms while the INCRs wait: each finds Redis reachable, so they keep waiting.
  testing::proxy_server_options options;
  options.backend = redis.url() + "?probe_after_ms=200";
  testing::proxy_server proxy(options);
  INFO(proxy.error());
  REQUIRE(proxy.running());
  hiredis_client direct("127.0.0.1", redis.port());
  REQUIRE(direct.ok());
  direct.cmd({"DEL", "paused-ctr"});

  incr_load load(proxy, "paused-ctr", 4);
  std::this_thread::sleep_for(300ms);
  redis.pause();  // SIGSTOP: the kernel still accepts and acknowledges, Redis answers nothing
  std::this_thread::sleep_for(3s);
  redis.resume();
  std::this_thread::sleep_for(300ms);
  load.finish();

  INFO(load.first_error);
  CHECK(load.errors == 0);
  CHECK(load.io_failures == 0);
  CHECK(load.ok > 0);
  CHECK(load.longest_ms >= 2500);  // the pause was felt, past the old 2 s deadline
  CHECK(std::stoll(str(direct.cmd({"GET", "paused-ctr"}))) == load.ok);
  CHECK(proxy.alive());
}

TEST_CASE("one client's slow command on Redis fails no other client's INCR", "[.upstream]") {
  testing::resolve_backend("redis-server");
  auto& redis = backend();
  testing::proxy_server_options options;
  options.backend = redis.url() + "?probe_after_ms=200";
  testing::proxy_server proxy(options);
  INFO(proxy.error());
  REQUIRE(proxy.running());
  hiredis_client direct("127.0.0.1", redis.port(), 30000);
  REQUIRE(direct.ok());
  direct.cmd({"DEL", "slow-ctr"});

  incr_load load(proxy, "slow-ctr", 4);
  std::this_thread::sleep_for(300ms);
  // A script that keeps Redis's one thread busy for 3 s (under busy-reply-threshold, 5 s), as a
  // KEYS over millions of keys would.
  auto busy = direct.cmd(
      {"EVAL",
       "local s = redis.call('TIME') local t = s "
       "while (t[1] - s[1]) * 1000000 + (t[2] - s[2]) < 3000000 do t = redis.call('TIME') end "
       "return 1",
       "0"});
  REQUIRE(busy);
  CHECK(busy->type == REDIS_REPLY_INTEGER);
  std::this_thread::sleep_for(300ms);
  load.finish();

  INFO(load.first_error);
  CHECK(load.errors == 0);
  CHECK(load.io_failures == 0);
  CHECK(load.longest_ms >= 2500);
  CHECK(std::stoll(str(direct.cmd({"GET", "slow-ctr"}))) == load.ok);
}

TEST_CASE("a killed redis-server: pending INCRs say the outcome is unknown, at once",
          "[.upstream]") {
  testing::resolve_backend("redis-server");
  auto& redis = backend();
  auto proxy = proxy_on(redis.url());
  INFO(proxy.error());
  REQUIRE(proxy.running());
  constexpr int kClients = 4;
  std::vector<std::unique_ptr<hiredis_client>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<hiredis_client>("127.0.0.1", proxy.port(), 10000));
    REQUIRE(clients.back()->ok());
    CHECK(integer(clients.back()->cmd({"INCR", "killed-ctr"})) >= 1);
  }
  // Paused, Redis holds the INCRs unanswered: they are surely in flight when it dies.
  redis.pause();
  for (auto& c : clients) {
    c->append({"INCR", "killed-ctr"});
    int done = 0;
    while (!done && redisBufferWrite(c->get(), &done) == REDIS_OK) {
    }
  }
  std::this_thread::sleep_for(300ms);
  auto killed_at = clock_type::now();
  redis.kill();
  for (auto& c : clients) {
    auto r = c->next_reply();
    REQUIRE(r);
    CHECK(says_outcome_unknown(r));
  }
  auto detected =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - killed_at);
  WARN("pending INCRs answered " << detected.count() << " ms after SIGKILL");
  CHECK(detected < 1000ms);

  // New commands are never sent: refused plainly, and fast.
  auto sent = clock_type::now();
  auto refused = clients[0]->cmd({"INCR", "killed-ctr"});
  REQUIRE(refused);
  CHECK(refused->type == REDIS_REPLY_ERROR);
  CHECK(says_not_connected(refused));
  CHECK_FALSE(says_outcome_unknown(refused));
  CHECK(clock_type::now() - sent < 500ms);

  REQUIRE(redis.restart());
  auto restarted_at = clock_type::now();
  auto deadline = restarted_at + 10s;
  reply_ptr back;
  while (clock_type::now() < deadline) {
    back = clients[1]->cmd({"INCR", "killed-ctr"});
    if (back && back->type == REDIS_REPLY_INTEGER) {
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(back);
  CHECK(back->type == REDIS_REPLY_INTEGER);
  auto served =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - restarted_at);
  WARN("served again " << served.count() << " ms after redis-server answered PING");
  CHECK(served < 3000ms);
  CHECK(proxy.alive());
}

TEST_CASE("an unreachable Redis is found by the probe: the waiting INCR's outcome is unknown",
          "[.upstream]") {
  // A stand-in for a Redis whose address stops answering while a call waits on an open
  // connection (its host gone, a network cut): it takes the proxy's connection and never
  // replies; then its listening socket closes, so that the probe's connect is refused.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 16) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const auto port = ntohs(address.sin_port);

  auto proxy = proxy_on("redis://127.0.0.1:" + std::to_string(port) + "?probe_after_ms=300");
  INFO(proxy.error());
  REQUIRE(proxy.running());
  hiredis_client c("127.0.0.1", proxy.port(), 10000);
  REQUIRE(c.ok());
  c.append({"INCR", "probed"});
  int done = 0;
  while (!done && redisBufferWrite(c.get(), &done) == REDIS_OK) {
  }
  pollfd waiting{listener, POLLIN, 0};
  REQUIRE(::poll(&waiting, 1, 5000) == 1);
  int upstream = ::accept(listener, nullptr, nullptr);
  REQUIRE(upstream >= 0);
  // The INCR reached "Redis"; while the address still accepts, the proxy keeps waiting.
  char request[256];
  pollfd arrived{upstream, POLLIN, 0};
  REQUIRE(::poll(&arrived, 1, 5000) == 1);
  const auto got = ::read(upstream, request, sizeof request);
  REQUIRE(got > 0);
  CHECK(std::string(request, static_cast<std::size_t>(got)).find("INCR") != std::string::npos);
  pollfd reply{c.get()->fd, POLLIN, 0};
  CHECK(::poll(&reply, 1, 1500) == 0);

  auto closed_at = clock_type::now();
  ::close(listener);
  auto r = c.next_reply();
  auto detected =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - closed_at);
  ::close(upstream);
  REQUIRE(r);
  INFO(str(r));
  CHECK(says_outcome_unknown(r));
  CHECK(str(r).find("unreachable") != std::string::npos);
  WARN("unreachable Redis found " << detected.count() << " ms after its address closed");
  CHECK(detected < 3000ms);  // probe_after (300 ms) + one connect, on a loaded machine
  CHECK(proxy.alive());
}

TEST_CASE("FLUSHALL that fails midway says which databases it cleared", "[.upstream]") {
  testing::resolve_backend("redis-server");
  auto& redis = backend();
  // The proxy's database n is Redis's 10 + n: its databases 6-15 do not exist in Redis (16).
  auto proxy = proxy_on(redis.url() + "/10");
  INFO(proxy.error());
  REQUIRE(proxy.running());
  hiredis_client c("127.0.0.1", proxy.port());
  REQUIRE(c.ok());
  CHECK(str(c.cmd({"SET", "in-zero", "x"})) == "OK");
  CHECK(str(c.cmd({"SELECT", "5"})) == "OK");
  CHECK(str(c.cmd({"SET", "in-five", "x"})) == "OK");
  CHECK(str(c.cmd({"FLUSHALL"})) ==
        "(error) ERR FLUSHALL did not complete: databases 0-5 cleared; database 6 not cleared "
        "(redis: "
        "ERR DB index is out of range); databases 7-15 not cleared");
  CHECK(integer(c.cmd({"DBSIZE"})) == 0);
  CHECK(str(c.cmd({"SELECT", "0"})) == "OK");
  CHECK(integer(c.cmd({"DBSIZE"})) == 0);
}

TEST_CASE("FLUSHALL cut off by a dying Redis says the database it was clearing may be cleared",
          "[.upstream]") {
  testing::redis_server redis;
  REQUIRE(redis.running());
  auto proxy = proxy_on(redis.url());
  INFO(proxy.error());
  REQUIRE(proxy.running());
  hiredis_client c("127.0.0.1", proxy.port(), 10000);
  REQUIRE(c.ok());
  CHECK(str(c.cmd({"SET", "k", "v"})) == "OK");
  redis.pause();  // the FLUSHDB of database 0 is sent, and never answered
  c.append({"FLUSHALL"});
  int done = 0;
  while (!done && redisBufferWrite(c.get(), &done) == REDIS_OK) {
  }
  std::this_thread::sleep_for(300ms);
  redis.kill();
  auto r = c.next_reply();
  REQUIRE(r);
  const std::string line = str(r);
  INFO(line);
  CHECK(
      line.starts_with("(error) ERR FLUSHALL did not complete: no database cleared; database 0 "
                       "may or may not have been cleared (redis: "));
  CHECK(line.ends_with("; the outcome is unknown); databases 1-15 not cleared"));
}

TEST_CASE("a proxy started before its Redis serves PING, refuses data commands, then serves",
          "[.upstream]") {
  const std::string password = "start-order-s3cret";
  testing::redis_server redis(testing::redis_server_options{.requirepass = password});
  REQUIRE(redis.running());
  redis.stop();  // its port stays reserved for the restart below

  auto proxy = proxy_on(redis.url(true));
  INFO(proxy.error());
  REQUIRE(proxy.running());
  hiredis_client c("127.0.0.1", proxy.port());
  REQUIRE(c.ok());
  CHECK(str(c.cmd({"PING"})) == "PONG");
  CHECK(str(c.cmd({"SELECT", "1"})) == "OK");
  auto refused = c.cmd({"GET", "k"});
  REQUIRE(refused);
  CHECK(refused->type == REDIS_REPLY_ERROR);
  CHECK(says_not_connected(refused));
  CHECK(proxy.log().find(password) == std::string::npos);

  REQUIRE(redis.restart());
  auto started_at = clock_type::now();
  reply_ptr set;
  while (clock_type::now() < started_at + 10s) {
    set = c.cmd({"SET", "k", "v"});
    if (set && set->type == REDIS_REPLY_STATUS) {
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(set);
  CHECK(str(set) == "OK");
  auto served =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started_at);
  WARN("served " << served.count() << " ms after redis-server answered PING");
  CHECK(served < 3000ms);  // the reconnect backoff tops out at 1 s
  CHECK(str(c.cmd({"GET", "k"})) == "v");
  CHECK(redis.cli("-n 1 GET k") == "v");
  CHECK(proxy.log().find(password) == std::string::npos);
}

TEST_CASE("--backend-fail-fast yes: no Redis at start ends the proxy, without its password",
          "[.upstream]") {
  const std::string password = "fail-fast-s3cret";
  testing::redis_server redis(testing::redis_server_options{.requirepass = password});
  REQUIRE(redis.running());
  redis.stop();
  testing::proxy_server_options options;
  options.backend = redis.url(true);
  options.extra_args = {"--backend-fail-fast", "yes"};
  options.ready_timeout = 3s;
  testing::proxy_server proxy(options);
  CHECK_FALSE(proxy.running());
  INFO(proxy.log());
  CHECK(proxy.log().find("cannot open backend") != std::string::npos);
  CHECK(proxy.log().find("redis: cannot connect to 127.0.0.1:" + std::to_string(redis.port())) !=
        std::string::npos);
  CHECK(proxy.log().find(password) == std::string::npos);
}

}  // namespace atomkv::proxy_tests
