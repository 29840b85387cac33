#include <catch2/catch.hpp>

#include "conformance/fixture.hpp"

using atomkv::conformance::fixture;
namespace batch = atomkv::batch;

TEST_CASE_METHOD(fixture, "get_many returns none in the places of missing keys", "[batch]") {
  REQUIRE(bucket.set("a", "1"));
  REQUIRE(bucket.set("c", std::string("\0", 1)));
  std::vector<std::string> keys{"a", "b", "c", "d", "a"};
  auto got = batch::get_many(bucket, keys);
  REQUIRE(got);
  const auto& entries = got.value();
  REQUIRE(entries.size() == 5);
  REQUIRE(entries[0]);
  CHECK(*entries[0] == batch::key_value{"a", "1"});
  CHECK_FALSE(entries[1]);
  REQUIRE(entries[2]);
  CHECK(*entries[2] == batch::key_value{"c", std::string("\0", 1)});
  CHECK_FALSE(entries[3]);
  REQUIRE(entries[4]);
  CHECK(entries[4]->second == "1");
}

TEST_CASE_METHOD(fixture, "set_many writes every pair and overwrites", "[batch]") {
  REQUIRE(bucket.set("a", "old"));
  std::vector<batch::key_value> pairs{{"a", "1"}, {"b", "2"}, {"c", ""}};
  REQUIRE(batch::set_many(bucket, pairs));
  CHECK(bucket.get("a").value() == "1");
  CHECK(bucket.get("b").value() == "2");
  CHECK(bucket.get("c").value() == "");
}

TEST_CASE_METHOD(fixture, "delete_many removes the keys and skips missing ones", "[batch]") {
  REQUIRE(bucket.set("a", "1"));
  REQUIRE(bucket.set("b", "2"));
  REQUIRE(bucket.set("keep", "3"));
  std::vector<std::string> keys{"a", "missing", "b"};
  REQUIRE(batch::delete_many(bucket, keys));
  CHECK_FALSE(bucket.exists("a").value());
  CHECK_FALSE(bucket.exists("b").value());
  CHECK(bucket.get("keep").value() == "3");
}

TEST_CASE_METHOD(fixture, "empty batches are fine", "[batch]") {
  CHECK(batch::get_many(bucket, std::vector<std::string>{}).value().empty());
  CHECK(batch::set_many(bucket, std::vector<batch::key_value>{}));
  CHECK(batch::delete_many(bucket, std::vector<std::string>{}));
}
