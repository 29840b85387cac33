// A million expiring keys, written and never touched again: the proxy's own backends must reclaim
// them in the background, so that the count falls to zero, the memory comes back and a SQLite file
// holds no live row, without any client reading them.

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "proxy/servers.hpp"
#include "support/child_process.hpp"
#include "support/resp_client.hpp"
#include "support/unix_time.hpp"

using namespace atomkv::proxy_tests;
using millis = std::chrono::milliseconds;
using atomkv::testing::resp_connection;
using atomkv::testing::unix_ms;

namespace {

constexpr std::size_t kMB = std::size_t{1} << 20;

// Under AddressSanitizer everything is several times slower: a fifth of the keys keeps the run
// within its time.
constexpr int kKeys = atomkv::testing::kUnderAddressSanitizer ? 200'000 : 1'000'000;

// Reclaiming a million keys takes a few seconds (README, "Expiry"); past this, a test fails
// rather than waits: the purges have stalled or fallen back to a trickle.
constexpr auto kReclaimWithin = std::chrono::seconds(60);

std::size_t resident(server& srv) {
  auto bytes = srv.resident_bytes();
  REQUIRE(bytes);
  return *bytes;
}

long long integer_reply(resp_connection& c, const std::vector<std::string>& args) {
  auto reply = c.call(args, millis(30000));
  REQUIRE(reply);
  REQUIRE(reply->size() > 3);
  REQUIRE(reply->front() == ':');
  return std::stoll(reply->substr(1));
}

// The value of `field` in an INFO section.
long long info_field(resp_connection& c, const std::string& section, const std::string& field) {
  auto reply = c.call({"INFO", section}, millis(30000));
  REQUIRE(reply);
  const std::string wanted = "\r\n" + field + ":";
  auto at = reply->find(wanted);
  REQUIRE(at != std::string::npos);
  return std::stoll(reply->substr(at + wanted.size()));
}

// SET r:<i> with the arguments `expiry(i)` gives, pipelined 10,000 at a time.
void write_keys(resp_connection& c, const std::function<std::vector<std::string>(int)>& expiry) {
  constexpr int kBatch = 10'000;
  const std::string value(16, 'v');
  std::string batch;
  for (int first = 0; first < kKeys; first += kBatch) {
    batch.clear();
    for (int i = first; i < first + kBatch; ++i) {
      std::vector<std::string> args{"SET", "r:" + std::to_string(i), value};
      for (auto& a : expiry(i)) {
        args.push_back(std::move(a));
      }
      batch += atomkv::testing::encode_command(args);
    }
    REQUIRE(c.send(batch, millis(30000)));
    for (int i = 0; i < kBatch; ++i) {
      auto reply = c.read_reply(millis(30000));
      REQUIRE(reply);
      REQUIRE(*reply == "+OK\r\n");
    }
  }
}

// Polls INFO stats (nothing reads a key) until `keys` more have expired than `before`; returns
// how many did, and how long it took from `from`. It polls more often than a SQLite writer pauses
// between idle purges (100 ms): a client's requests must not hold the purges back.
std::pair<long long, double> wait_until_expired(resp_connection& c, long long before,
                                                long long keys,
                                                std::chrono::steady_clock::time_point from) {
  long long expired = 0;
  while (std::chrono::steady_clock::now() - from < kReclaimWithin) {
    expired = info_field(c, "stats", "expired_keys") - before;
    if (expired >= keys) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - from;
  return {expired, took.count()};
}

// The rows of a SQLite store's file that still hold a value: in the keyspace table, and any
// log row at all (the purges run only where the log is merged, so it is empty once they are
// done). nullopt when the proxy is not on SQLite.
struct file_rows {
  long long live_in_table = -1;
  long long log_rows = -1;
};

std::optional<file_rows> sqlite_file_rows(const server& srv) {
  const auto url = srv.backend_url();
  const std::string scheme = "sqlite://";
  if (!url || !url->starts_with(scheme)) {
    return std::nullopt;
  }
  const std::string path = url->substr(scheme.size(), url->find('?') - scheme.size());
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  const auto count = [&](const char* sql) {
    sqlite3_stmt* q = nullptr;
    INFO(sqlite3_errmsg(db));
    REQUIRE(sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(q) == SQLITE_ROW);
    const long long n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
  };
  // One read transaction, so that both counts come from the same commit.
  REQUIRE(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK);
  file_rows rows;
  rows.live_in_table = count("SELECT count(*) FROM keyspace WHERE value IS NOT NULL");
  rows.log_rows = count("SELECT count(*) FROM log");
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rows;
}

// After the reclaim: no key left, every one counted as expired once, the memory back near
// `before`, nothing live in a SQLite file; the proxy still answers.
void check_reclaimed(server& srv, resp_connection& c, long long expired, std::size_t before) {
  CHECK(expired == kKeys);
  CHECK(integer_reply(c, {"DBSIZE"}) == 0);
  if (auto rows = sqlite_file_rows(srv)) {
    CHECK(rows->live_in_table == 0);
    CHECK(rows->log_rows == 0);
  }
  // The proxy returns freed memory to the system about once a second.
  std::size_t after = resident(srv);
  for (int i = 0; i < 50 && after > before + 32 * kMB; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    after = resident(srv);
  }
  INFO("resident before " << before / kMB << " MB, after " << after / kMB << " MB");
  if (atomkv::testing::kResidentMemoryFollowsFrees) {
    CHECK(after < before + 32 * kMB);
  }
  CHECK(c.call({"PING"}) == "+PONG\r\n");
}

// A fresh proxy, a client of it, and the readings to compare with after the reclaim.
struct reclaim_run {
  std::unique_ptr<server> srv = start_subject();
  std::optional<resp_connection> c;
  long long expired_before = 0;
  std::size_t resident_before = 0;

  reclaim_run() {
    REQUIRE(srv->running());
    c = resp_connection::connect(srv->port());
    REQUIRE(c);
    expired_before = info_field(*c, "stats", "expired_keys");
    resident_before = resident(*srv);
  }
};

}  // namespace

TEST_CASE("a million keys expiring at once are reclaimed without being touched",
          "[expiry-reclaim]") {
  reclaim_run run;
  auto& c = run.c;

  // Every key gets the same absolute deadline, a little after the last one is likely written,
  // so that the whole million is alive at once before it goes.
  const long long deadline = unix_ms() + 25'000;
  const std::string deadline_text = std::to_string(deadline);
  write_keys(*c, [&](int) { return std::vector<std::string>{"PXAT", deadline_text}; });
  if (unix_ms() < deadline - 1'000) {
    CHECK(integer_reply(*c, {"DBSIZE"}) == kKeys);
  } else {
    WARN("writing took past the keys' deadline: their number at once is not checked");
  }
  const std::size_t peak = resident(*run.srv);
  while (unix_ms() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  const auto [expired, seconds] =
      wait_until_expired(*c, run.expired_before, kKeys, std::chrono::steady_clock::now());
  std::printf("%s: %d keys expiring at once, all reclaimed %.1f s after their deadline\n",
              subject_backend().c_str(), kKeys, seconds);
  INFO("resident peak " << peak / kMB << " MB");
  check_reclaimed(*run.srv, *c, expired, run.resident_before);
}

TEST_CASE("a million keys with a one-second lifetime are gone a few seconds after the last write",
          "[expiry-reclaim]") {
  reclaim_run run;
  auto& c = run.c;

  // Keys expire while later ones are written: the background reclaim runs alongside the writes.
  write_keys(*c, [](int) { return std::vector<std::string>{"PX", "1000"}; });
  const auto last_write = std::chrono::steady_clock::now();

  const auto [expired, seconds] = wait_until_expired(*c, run.expired_before, kKeys, last_write);
  std::printf("%s: %d keys with a 1 s lifetime, all reclaimed %.1f s after the last write\n",
              subject_backend().c_str(), kKeys, seconds);
  check_reclaimed(*run.srv, *c, expired, run.resident_before);
}
