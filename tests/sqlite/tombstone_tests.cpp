// Versions and tombstones: deletes leave a versioned tombstone, so a watch of a missing key sees
// a create-then-delete; old tombstones are purged, and the purge horizon keeps that exact.

#include <catch2/catch.hpp>

#include "atomkv/atomkv.hpp"
#include "sqlite/schema.hpp"
#include "temp_file.hpp"

using atomkv::operation;
using atomkv::sqlite_tests::merge_log;
using atomkv::sqlite_tests::query_text;
using atomkv::sqlite_tests::temp_file;

namespace {

std::optional<std::vector<atomkv::op_result>> watch_then_commit_later(
    atomkv::backend::transaction& txn, std::string_view key) {
  std::vector<operation> ops{operation::set(key, "mine")};
  return txn.commit(ops).value();
}

}  // namespace

TEST_CASE("a watch of a missing key sees a create-then-delete", "[versions]") {
  temp_file file;
  auto bucket = atomkv::connect(file.url()).value().open("b").value();
  auto txn = bucket.backend().begin().value();
  std::vector<std::string_view> keys{"k"};
  REQUIRE(txn->watch(keys, false));
  REQUIRE(bucket.set("k", "briefly"));
  REQUIRE(bucket.remove("k"));
  CHECK_FALSE(watch_then_commit_later(*txn, "k").has_value());
  CHECK_FALSE(bucket.exists("k").value());
  // A watch of a key that stays missing commits.
  REQUIRE(txn->watch(keys, false));
  REQUIRE(bucket.set("unrelated", "x"));
  CHECK(watch_then_commit_later(*txn, "k").has_value());
  CHECK(bucket.get("k").value() == "mine");
}

TEST_CASE("versions survive a reopen: delete and re-create after it still conflicts",
          "[versions]") {
  temp_file file;
  auto first = atomkv::connect(file.url()).value().open("").value();
  REQUIRE(first.set("k", "v"));
  auto txn = first.backend().begin().value();
  std::vector<std::string_view> keys{"k"};
  REQUIRE(txn->watch(keys, false));
  {
    // Another process (here: a store with other options, so another writer) rewrites k.
    auto second = atomkv::connect(file.url("synchronous=normal")).value().open("").value();
    REQUIRE(second.remove("k"));
    REQUIRE(second.set("k", "v"));
  }
  CHECK_FALSE(watch_then_commit_later(*txn, "k").has_value());
}

TEST_CASE("old tombstones are purged and the horizon still fails an older watch", "[versions]") {
  temp_file file;
  auto bucket = atomkv::connect(file.url("synchronous=normal")).value().open("").value();
  auto old_watch = bucket.backend().begin().value();
  std::vector<std::string_view> keys{"gone"};
  REQUIRE(old_watch->watch(keys, false));
  REQUIRE(bucket.set("gone", "x"));
  REQUIRE(bucket.remove("gone"));
  merge_log(bucket);
  CHECK(query_text(file.path(), "SELECT count(*) FROM keyspace WHERE key = CAST('gone' AS BLOB)") ==
        "1");

  // Move the clock past the lag in one group, then run enough groups for a purge.
  std::vector<std::string> names;
  for (std::int64_t i = 0; i <= atomkv::sqlite::tombstone_lag / 2; ++i) {
    names.push_back("filler:" + std::to_string(i));
  }
  std::vector<operation> fill;
  for (const auto& name : names) {
    fill.push_back(operation::set(name, "1"));
    fill.push_back(operation::remove(name));
  }
  REQUIRE(bucket.backend().apply(fill));
  for (int i = 0; i < 300; ++i) {
    REQUIRE(bucket.set("tick", std::to_string(i)));
  }
  merge_log(bucket);  // the purges run in groups that merge the log
  CHECK(query_text(file.path(), "SELECT count(*) FROM keyspace WHERE key = CAST('gone' AS BLOB)") ==
        "0");
  CHECK(query_text(file.path(), "SELECT horizon > 0 FROM file_state") == "1");

  CHECK_FALSE(watch_then_commit_later(*old_watch, "gone").has_value());
  CHECK_FALSE(bucket.exists("gone").value());
  // A watch taken after the purge is not affected by it.
  auto new_watch = bucket.backend().begin().value();
  REQUIRE(new_watch->watch(keys, false));
  CHECK(watch_then_commit_later(*new_watch, "gone").has_value());
}
