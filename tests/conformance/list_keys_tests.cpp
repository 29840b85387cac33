#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "conformance/fixture.hpp"

using atomkv::conformance::fixture;

namespace {

// Pages through the whole bucket; counts how often each key was listed.
std::map<std::string, int> list_all(const atomkv::bucket& bucket, int& pages) {
  std::map<std::string, int> seen;
  std::optional<std::string> cursor;
  pages = 0;
  do {
    auto page = bucket.list_keys(cursor);
    REQUIRE(page);
    ++pages;
    for (auto& key : page.value().keys) {
      ++seen[key];
    }
    cursor = page.value().cursor;
    if (cursor) {
      REQUIRE_FALSE(cursor->empty());
      REQUIRE(*cursor != "0");
    }
    REQUIRE(pages < 100000);
  } while (cursor);
  return seen;
}

}  // namespace

TEST_CASE_METHOD(fixture, "list_keys of an empty bucket is empty and done", "[list_keys]") {
  auto page = bucket.list_keys();
  REQUIRE(page);
  CHECK(page.value().keys.empty());
  CHECK_FALSE(page.value().cursor.has_value());
}

TEST_CASE_METHOD(fixture, "list_keys pages through 10,000 keys, each exactly once", "[list_keys]") {
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < 10000; ++i) {
    entries.emplace_back("key:" + std::to_string(i), "v");
  }
  REQUIRE(atomkv::batch::set_many(bucket, entries));
  int pages = 0;
  auto seen = list_all(bucket, pages);
  CHECK(pages > 1);
  CHECK(seen.size() == 10000);
  for (const auto& [key, times] : seen) {
    INFO(key);
    CHECK(times == 1);
  }
  for (int i = 0; i < 10000; i += 997) {
    CHECK(seen.count("key:" + std::to_string(i)) == 1);
  }
}

TEST_CASE_METHOD(fixture, "list_keys returns keys that exist throughout, despite writes",
                 "[list_keys]") {
  for (int i = 0; i < 3000; ++i) {
    REQUIRE(bucket.set("stable:" + std::to_string(i), "v"));
  }
  std::set<std::string> seen;
  std::optional<std::string> cursor;
  int round = 0;
  do {
    auto page = bucket.list_keys(cursor);
    REQUIRE(page);
    seen.insert(page.value().keys.begin(), page.value().keys.end());
    cursor = page.value().cursor;
    // Churn between pages: new keys appear and others go away.
    for (int j = 0; j < 50; ++j) {
      REQUIRE(bucket.set("churn:" + std::to_string(round * 50 + j), "x"));
      REQUIRE(bucket.remove("churn:" + std::to_string(round * 50 + j - 25)));
    }
    ++round;
  } while (cursor);
  for (int i = 0; i < 3000; ++i) {
    INFO(i);
    CHECK(seen.count("stable:" + std::to_string(i)) == 1);
  }
}

// Between pages the keyspace grows to several times its size and shrinks back, so a backend
// whose table resizes (memory's, Redis's) resumes its cursor on tables of other sizes.
TEST_CASE_METHOD(fixture,
                 "list_keys returns keys that exist throughout, across growth and shrinking",
                 "[list_keys]") {
  std::vector<std::pair<std::string, std::string>> stable;
  for (int i = 0; i < 4000; ++i) {
    stable.emplace_back("stable:" + std::to_string(i), "v");
  }
  REQUIRE(atomkv::batch::set_many(bucket, stable));
  std::set<std::string> seen;
  std::optional<std::string> cursor;
  int round = 0;
  do {
    auto page = bucket.list_keys(cursor);
    REQUIRE(page);
    seen.insert(page.value().keys.begin(), page.value().keys.end());
    cursor = page.value().cursor;
    std::vector<std::string> extra;
    for (int j = 0; j < 12000; ++j) {
      extra.push_back("extra:" + std::to_string(j));
    }
    if (round % 2 == 0) {
      std::vector<std::pair<std::string, std::string>> added;
      for (auto& key : extra) {
        added.emplace_back(key, "x");
      }
      REQUIRE(atomkv::batch::set_many(bucket, added));
    } else {
      REQUIRE(atomkv::batch::delete_many(bucket, extra));
    }
    ++round;
    REQUIRE(round < 10000);
  } while (cursor);
  for (int i = 0; i < 4000; ++i) {
    INFO(i);
    CHECK(seen.count("stable:" + std::to_string(i)) == 1);
  }
}

TEST_CASE_METHOD(fixture, "list_keys only lists its own bucket", "[list_keys]") {
  auto other = store.open(bucket_name + "-neighbour");
  REQUIRE(other);
  REQUIRE(other.value().set("theirs", "v"));
  REQUIRE(bucket.set("mine", "v"));
  int pages = 0;
  auto seen = list_all(bucket, pages);
  CHECK(seen == std::map<std::string, int>{{"mine", 1}});
}
