// Expiry on SQLite: the deadline column, the schema versions and the migration of version 1
// files, deadlines across a reopen, the writer's purge of expired rows, and WATCH as in Redis 7.0.

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "atomkv/atomkv.hpp"
#include "atomkv/clock.hpp"
#include "temp_file.hpp"

using atomkv::expiry;
using atomkv::operation;
using atomkv::sqlite_tests::query_text;
using atomkv::sqlite_tests::run_sql;
using atomkv::sqlite_tests::temp_file;
using namespace std::chrono_literals;

namespace {

// Exactly what the first release (user_version 1) created.
constexpr const char* kVersion1 =
    "PRAGMA journal_mode = WAL;"
    "CREATE TABLE kv("
    "  id INTEGER PRIMARY KEY,"
    "  bucket BLOB NOT NULL,"
    "  key BLOB NOT NULL,"
    "  value BLOB,"
    "  version INTEGER NOT NULL,"
    "  UNIQUE(bucket, key));"
    "CREATE INDEX kv_pages ON kv(bucket, id);"
    "CREATE INDEX kv_tombstones ON kv(version) WHERE value IS NULL;"
    "CREATE TABLE meta("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  clock INTEGER NOT NULL,"
    "  horizon INTEGER NOT NULL);"
    "INSERT INTO meta VALUES (1, 0, 0);"
    "PRAGMA user_version = 1;";

// Rows still live in the file: in the table, or possibly in log rows not merged yet (counted
// whole), so that "none" means purged, not merely still in the log.
std::string live_rows(const temp_file& file, const std::string& and_where = "") {
  return query_text(file.path(), "SELECT (SELECT count(*) FROM keyspace WHERE value IS NOT NULL" +
                                     and_where + ") + (SELECT count(*) FROM log)");
}

std::optional<std::vector<atomkv::op_result>> commit_one(atomkv::backend::transaction& txn,
                                                         std::string_view key) {
  std::vector<operation> ops{operation::set(key, "mine")};
  return txn.commit(ops).value();
}

template <class Done>
bool eventually(Done done, std::chrono::milliseconds within = 60s) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) {
      return false;
    }
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

std::int64_t integer_of(atomkv::bucket& b, const operation& op) {
  std::vector<operation> ops{op};
  auto done = b.backend().apply(ops).value();
  REQUIRE(done.at(0).what == atomkv::op_result::kind::integer);
  return done.at(0).integer;
}

}  // namespace

TEST_CASE("a version 1 file is migrated on open, rows and versions intact", "[schema]") {
  temp_file file;
  run_sql(file.path(), kVersion1);
  run_sql(file.path(),
          "INSERT INTO kv(id, bucket, key, value, version) VALUES"
          " (1, x'', CAST('a' AS BLOB), CAST('1' AS BLOB), 5),"
          " (2, x'', CAST('gone' AS BLOB), NULL, 6),"
          " (7, CAST('b' AS BLOB), CAST('a' AS BLOB), CAST('other' AS BLOB), 7),"
          " (9, x'', CAST('c' AS BLOB), CAST('3' AS BLOB), 3);"
          "UPDATE meta SET clock = 7, horizon = 2;");
  auto store = atomkv::connect(file.url()).value();
  auto plain = store.open("").value();
  CHECK(query_text(file.path(), "PRAGMA user_version") == "3");
  CHECK(plain.get("a").value() == "1");
  CHECK(plain.get("c").value() == "3");
  CHECK_FALSE(plain.get("gone").value().has_value());
  CHECK(store.open("b").value().get("a").value() == "other");
  CHECK(query_text(file.path(),
                   "SELECT group_concat(version) FROM (SELECT version FROM keyspace "
                   "ORDER BY version)") == "3,5,6,7");
  CHECK(query_text(file.path(), "SELECT count(*) FROM keyspace WHERE deadline IS NOT NULL") == "0");
  CHECK(query_text(file.path(), "SELECT horizon FROM file_state") == "2");
  auto left = plain.time_to_live("a").value();
  CHECK(left.exists);
  CHECK_FALSE(left.deadline_ms.has_value());
  // A cursor handed out before (the next row id) goes on where it was.
  auto rest = plain.backend().list_keys(std::string_view("2"), {}).value();
  CHECK(rest.keys == std::vector<std::string>{"c"});
  // New rows list after the migrated ones, and the file works as usual.
  REQUIRE(plain.set("d", "4"));
  auto page = plain.backend().list_keys(std::string_view("8"), {}).value();
  CHECK(page.keys == std::vector<std::string>{"c", "d"});
  CHECK(atomkv::atomics::increment(plain, "a", 1).value() == 2);
}

TEST_CASE("a file of an unknown schema version is refused", "[schema]") {
  temp_file file;
  run_sql(file.path(), kVersion1);
  run_sql(file.path(), "PRAGMA user_version = 4");
  auto store = atomkv::connect(file.url());
  bool refused = !store || !store.value().open("");
  CHECK(refused);
  CHECK(query_text(file.path(), "PRAGMA user_version") == "4");
}

TEST_CASE("deadlines, time left and the expire conditions", "[expiry]") {
  temp_file file;
  auto b = atomkv::connect(file.url()).value().open("").value();
  const std::int64_t far = atomkv::unix_time_ms() + 3'600'000;
  REQUIRE(b.set("k", "v", expiry::at(far)));
  CHECK(integer_of(b, operation::deadline_of("k")) == far);
  CHECK(integer_of(b, operation::time_left("missing")) == -2);
  REQUIRE(b.set("plain", "v"));
  CHECK(integer_of(b, operation::time_left("plain")) == -1);
  // NX / XX / GT / LT, with no deadline as an infinite one.
  CHECK(integer_of(b, operation::expire("k", expiry::at(far + 1), atomkv::expire_if_none)) == 0);
  CHECK(integer_of(b, operation::expire("plain", expiry::at(far), atomkv::expire_if_some)) == 0);
  CHECK(integer_of(b, operation::expire("plain", expiry::at(far), atomkv::expire_if_later)) == 0);
  CHECK(integer_of(b, operation::expire("k", expiry::at(far), atomkv::expire_if_later)) == 0);
  CHECK(integer_of(b, operation::expire("k", expiry::at(far + 5), atomkv::expire_if_later)) == 1);
  CHECK(integer_of(b, operation::expire("k", expiry::at(far + 9), atomkv::expire_if_earlier)) == 0);
  CHECK(integer_of(b, operation::expire("plain", expiry::at(far), atomkv::expire_if_earlier)) == 1);
  CHECK(integer_of(b, operation::deadline_of("plain")) == far);
  // increment and SET KEEPTTL keep the deadline; SET clears it.
  REQUIRE(b.set("n", "1", expiry::at(far)));
  CHECK(atomkv::atomics::increment(b, "n", 1).value() == 2);
  CHECK(integer_of(b, operation::deadline_of("n")) == far);
  REQUIRE(b.set("n", "5", expiry::keep()));
  CHECK(integer_of(b, operation::deadline_of("n")) == far);
  REQUIRE(b.set("n", "6"));
  CHECK(integer_of(b, operation::deadline_of("n")) == -1);
  CHECK(b.persist("k").value());
  CHECK_FALSE(b.persist("k").value());
  // A deadline already past deletes.
  CHECK(b.expire("k", expiry::at(1)).value());
  CHECK_FALSE(b.exists("k").value());
  CHECK(integer_of(b, operation::count_expiring()) == 1);
  CHECK(integer_of(b, operation::count()) == 2);
}

TEST_CASE("a key past its deadline is missing for reads, writes, listings and counts", "[expiry]") {
  temp_file file;
  auto b = atomkv::connect(file.url()).value().open("").value();
  REQUIRE(b.set("short", "1", expiry::after(150)));
  REQUIRE(b.set("long", "2", expiry::after(3'600'000)));
  CHECK(integer_of(b, operation::count()) == 2);
  std::this_thread::sleep_for(300ms);
  CHECK_FALSE(b.get("short").value().has_value());
  CHECK_FALSE(b.exists("short").value());
  CHECK(integer_of(b, operation::count()) == 1);
  CHECK(b.list_keys().value().keys == std::vector<std::string>{"long"});
  CHECK(integer_of(b, operation::time_left("short")) == -2);
  // An increment starts from nothing, with no deadline.
  CHECK(atomkv::atomics::increment(b, "short", 5).value() == 5);
  CHECK(integer_of(b, operation::time_left("short")) == -1);
  CHECK(integer_of(b, operation::expired_total()) == 1);
}

TEST_CASE("a deadline that passed while the store was closed is honoured on reopening",
          "[expiry]") {
  temp_file file;
  const std::int64_t far = atomkv::unix_time_ms() + 3'600'000;
  {
    auto b = atomkv::connect(file.url()).value().open("").value();
    REQUIRE(b.set("short", "1", expiry::after(200)));
    REQUIRE(b.set("long", "2", expiry::at(far)));
  }
  std::this_thread::sleep_for(400ms);
  auto b = atomkv::connect(file.url()).value().open("").value();
  CHECK_FALSE(b.get("short").value().has_value());
  CHECK(b.time_to_live("long").value().deadline_ms == far);
  // Purged without being touched again.
  CHECK(eventually([&] { return live_rows(file, " AND key = CAST('short' AS BLOB)") == "0"; }));
}

TEST_CASE("100,000 expired rows are purged without any access", "[expiry][purge]") {
  temp_file file;
  auto b = atomkv::connect(file.url("synchronous=normal")).value().open("").value();
  std::vector<std::string> names;
  for (int i = 0; i < 100'000; ++i) {
    names.push_back("key:" + std::to_string(i));
  }
  std::vector<operation> fill;
  for (const auto& name : names) {
    fill.push_back(
        operation::set(name, "v", operation::condition::always, false, expiry::after(300)));
  }
  REQUIRE(b.backend().apply(fill));
  CHECK(eventually([&] { return live_rows(file) == "0"; }, 120s));
  CHECK(query_text(file.path(), "SELECT expired FROM file_state") == "100000");
  CHECK(integer_of(b, operation::expired_total()) == 100'000);
}

// The writer is never idle here: a write every 10 ms keeps its thread at work and its log never
// quiet for 100 ms. The groups themselves must find the table's rows past their deadline and
// merge the log so that the purges run, not wait for a merge by size or count.
TEST_CASE("expired rows are purged while writes keep the writer busy", "[expiry][purge]") {
  temp_file file;
  auto b = atomkv::connect(file.url("synchronous=normal")).value().open("").value();
  std::vector<std::string> names;  // the operations point into them
  for (int i = 0; i < 2'000; ++i) {
    names.push_back("key:" + std::to_string(i));
  }
  std::vector<operation> fill;
  for (const auto& name : names) {
    fill.push_back(
        operation::set(name, "v", operation::condition::always, false, expiry::after(1'000)));
  }
  REQUIRE(b.backend().apply(fill));
  // In the table (merged once the writer is quiet), before the deadline.
  REQUIRE(eventually([&] { return live_rows(file) == "2000"; }));
  const auto busy_until = std::chrono::steady_clock::now() + 2'500ms;
  for (int i = 0; std::chrono::steady_clock::now() < busy_until; ++i) {
    REQUIRE(b.set("busy", std::to_string(i)));
    std::this_thread::sleep_for(10ms);
  }
  // The deadline passed about 1.5 s ago, the writer busy all along: every row is a tombstone.
  CHECK(query_text(file.path(), "SELECT count(*) FROM keyspace WHERE deadline IS NOT NULL") == "0");
  CHECK(query_text(file.path(), "SELECT expired FROM file_state") == "2000");
}

TEST_CASE("WATCH: a key that expires after the watch fails the commit", "[expiry][watch]") {
  temp_file file;
  auto b = atomkv::connect(file.url()).value().open("").value();
  REQUIRE(b.set("k", "v", expiry::after(150)));
  auto txn = b.backend().begin().value();
  std::vector<std::string_view> keys{"k"};
  REQUIRE(txn->watch(keys, false));
  std::this_thread::sleep_for(300ms);
  CHECK_FALSE(commit_one(*txn, "k").has_value());
}

TEST_CASE("WATCH: a key expired at the watch is missing, and its purge is no change",
          "[expiry][watch]") {
  temp_file file;
  auto b = atomkv::connect(file.url()).value().open("").value();
  REQUIRE(b.set("k", "v", expiry::after(100)));
  std::this_thread::sleep_for(200ms);
  auto txn = b.backend().begin().value();
  std::vector<std::string_view> keys{"k"};
  REQUIRE(txn->watch(keys, false));
  // The writer purges it meanwhile.
  CHECK(eventually([&] { return live_rows(file) == "0"; }));
  CHECK(commit_one(*txn, "k").has_value());
  CHECK(b.get("k").value() == "mine");
}

TEST_CASE("WATCH: setting or removing a deadline is a write", "[expiry][watch]") {
  temp_file file;
  auto b = atomkv::connect(file.url()).value().open("").value();
  REQUIRE(b.set("k", "v"));
  std::vector<std::string_view> keys{"k"};
  {
    auto txn = b.backend().begin().value();
    REQUIRE(txn->watch(keys, false));
    REQUIRE(b.expire("k", expiry::after(3'600'000)));
    CHECK_FALSE(commit_one(*txn, "k").has_value());
  }
  {
    auto txn = b.backend().begin().value();
    REQUIRE(txn->watch(keys, false));
    REQUIRE(b.persist("k").value());
    CHECK_FALSE(commit_one(*txn, "k").has_value());
  }
  {
    // No deadline to remove: no write.
    auto txn = b.backend().begin().value();
    REQUIRE(txn->watch(keys, false));
    REQUIRE_FALSE(b.persist("k").value());
    CHECK(commit_one(*txn, "k").has_value());
  }
}
