// The library and redis-cli see the same keys and the same counters, and Redis's errors come
// through as the contract's errors.

#include <set>
#include "atomkv/atomics.hpp"
#include "atomkv/batch.hpp"

#include "helpers.hpp"

namespace atomkv::redis_tests {

TEST_CASE("a counter made by INCRBY in redis-cli increments through the library", "[interop]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  auto key = fresh("counter");

  CHECK(server.cli("INCRBY " + key + " 40") == "40");
  auto sum = atomics::increment(bucket, key, 2);
  REQUIRE(sum);
  CHECK(sum.value() == 42);
  CHECK(server.cli("GET " + key) == "42");
}

TEST_CASE("a counter made by the library increments through redis-cli", "[interop]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  auto key = fresh("counter");

  REQUIRE(atomics::increment(bucket, key, -5).value() == -5);
  CHECK(server.cli("INCRBY " + key + " 8") == "3");
  CHECK(atomics::increment(bucket, key, 0).value() == 3);
}

TEST_CASE("Redis's increment errors become the contract's errors", "[interop]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  auto text = fresh("text");
  auto big = fresh("big");

  server.cli("SET " + text + " seven");
  auto not_integer = atomics::increment(bucket, text, 1);
  REQUIRE_FALSE(not_integer);
  CHECK(not_integer.error() == error::other(std::string(messages::not_an_integer)));

  server.cli("SET " + big + " 9223372036854775807");
  auto overflow = atomics::increment(bucket, big, 1);
  REQUIRE_FALSE(overflow);
  CHECK(overflow.error() == error::other(std::string(messages::overflow)));
  CHECK(server.cli("GET " + big) == "9223372036854775807");
}

TEST_CASE("error lines reach op_result unchanged, WRONGTYPE included", "[interop]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  auto list = fresh("list");
  server.cli("RPUSH " + list + " a");

  const operation ops[] = {operation::get(list), operation::increment(list, 1)};
  auto results = bucket.backend().apply(ops);
  REQUIRE(results);
  REQUIRE(results.value().size() == 2);
  for (const auto& r : results.value()) {
    CHECK(r.what == op_result::kind::error);
    CHECK(r.text.starts_with("WRONGTYPE "));
  }
  auto got = bucket.get(list);
  REQUIRE_FALSE(got);
  CHECK(got.error().message.starts_with("WRONGTYPE "));
}

TEST_CASE("set conditions and return_previous give the memory backend's results", "[interop]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "ops");
  auto key = fresh("cond");
  using c = operation::condition;
  const operation ops[] = {
      operation::set(key, "a", c::if_present),        // missing: nil, not written
      operation::set(key, "b", c::if_missing),        // written: ok
      operation::set(key, "c", c::if_missing),        // present: nil
      operation::set(key, "d", c::if_missing, true),  // present: previous "b", not written
      operation::set(key, "e", c::always, true),      // previous "b"
      operation::length(key),                         // 1
      operation::take(key),                           // "e", removed
      operation::exists(key),                         // 0
      operation::remove(key),                         // 0
  };
  auto results = bucket.backend().apply(ops);
  REQUIRE(results);
  CHECK(results.value() ==
        std::vector<op_result>{op_result::nil(), op_result::ok(), op_result::nil(),
                               op_result::of_value("b"), op_result::of_value("b"),
                               op_result::of_integer(1), op_result::of_value("e"),
                               op_result::of_integer(0), op_result::of_integer(0)});
}

TEST_CASE("batch calls are single commands: MGET, MSET, and DELs in one EXEC", "[interop]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "batch");
  std::vector<batch::key_value> pairs = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  REQUIRE(batch::set_many(bucket, pairs));
  CHECK(server.cli("MGET batch:a batch:b batch:c") == "1\n2\n3");

  std::vector<std::string> keys = {"a", "missing", "c"};
  auto got = batch::get_many(bucket, keys);
  REQUIRE(got);
  REQUIRE(got.value().size() == 3);
  CHECK(got.value()[0] == batch::key_value{"a", "1"});
  CHECK_FALSE(got.value()[1]);
  CHECK(got.value()[2] == batch::key_value{"c", "3"});

  std::vector<std::string> doomed = {"a", "b", "a", "missing"};
  std::vector<operation> removes;
  for (const auto& k : doomed) {
    removes.push_back(operation::remove(k));
  }
  auto removed = bucket.backend().apply(removes);
  REQUIRE(removed);
  CHECK(removed.value() ==
        std::vector<op_result>{op_result::of_integer(1), op_result::of_integer(1),
                               op_result::of_integer(0), op_result::of_integer(0)});
  CHECK(server.cli("EXISTS batch:a batch:b batch:c") == "1");
}

TEST_CASE("list_keys on the plain keyspace pages with Redis's SCAN cursor", "[interop]") {
  auto& server = shared_server();
  auto store = connect_or_fail(server.url() + "/7");
  auto bucket = open_or_fail(store, "");
  REQUIRE(server.cli("-n 7 FLUSHDB") == "OK");
  std::vector<batch::key_value> pairs;
  for (int i = 0; i < 2500; ++i) {
    pairs.emplace_back("k" + std::to_string(i), "v");
  }
  REQUIRE(batch::set_many(bucket, pairs));

  std::set<std::string> seen;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    auto page = bucket.list_keys(cursor);
    REQUIRE(page);
    seen.insert(page.value().keys.begin(), page.value().keys.end());
    cursor = page.value().cursor;
    if (cursor) {
      CHECK(*cursor != "0");
      CHECK(cursor->find_first_not_of("0123456789") == std::string::npos);
    }
    REQUIRE(++pages < 1000);
  } while (cursor);
  CHECK(seen.size() == 2500);
  CHECK(pages > 1);
}

}  // namespace atomkv::redis_tests
