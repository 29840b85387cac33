// The general optimistic transaction of the backend contract, which the proxy's
// WATCH/MULTI/EXEC stands on: several keys watched, several operations applied all-or-nothing.

#include <catch2/catch.hpp>

#include "conformance/fixture.hpp"

using atomkv::op_result;
using atomkv::operation;
using atomkv::conformance::fixture;
using atomkv::conformance::one_slot_fixture;

namespace {

std::unique_ptr<atomkv::backend::transaction> begin(const atomkv::bucket& bucket) {
  auto txn = bucket.backend().begin();
  REQUIRE(txn);
  return std::move(txn).value();
}

std::vector<op_result> apply(const atomkv::bucket& bucket, std::vector<operation> ops) {
  auto applied = bucket.backend().apply(ops);
  REQUIRE(applied);
  return std::move(applied).value();
}

}  // namespace

TEST_CASE_METHOD(one_slot_fixture, "apply runs every operation kind with Redis's results",
                 "[apply]") {
  auto results = apply(bucket, {
                                   operation::get("k"),
                                   operation::set("k", "v"),
                                   operation::get("k"),
                                   operation::set("k", "x", operation::condition::if_missing),
                                   operation::set("k", "w", operation::condition::if_present),
                                   operation::set("k", "u", operation::condition::always, true),
                                   operation::set("new", "n", operation::condition::if_present),
                                   operation::set("new", "n", operation::condition::always, true),
                                   operation::exists("k"),
                                   operation::length("k"),
                                   operation::length("nothing"),
                                   operation::increment("n", 5),
                                   operation::increment("k", 1),
                                   operation::take("k"),
                                   operation::take("k"),
                                   operation::remove("n"),
                                   operation::remove("n"),
                                   operation::count(),
                               });
  std::vector<op_result> expected{
      op_result::nil(),
      op_result::ok(),
      op_result::of_value("v"),
      op_result::nil(),
      op_result::ok(),
      op_result::of_value("w"),
      op_result::nil(),
      op_result::nil(),
      op_result::of_integer(1),
      op_result::of_integer(1),
      op_result::of_integer(0),
      op_result::of_integer(5),
      op_result::failed("ERR value is not an integer or out of range"),
      op_result::of_value("u"),
      op_result::nil(),
      op_result::of_integer(1),
      op_result::of_integer(0),
      op_result::of_integer(1),
  };
  REQUIRE(results.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("operation " << i);
    CHECK(results[i] == expected[i]);
  }
}

TEST_CASE_METHOD(fixture, "clear empties the bucket and nothing else", "[apply]") {
  auto neighbour = store.open(bucket_name + "-neighbour");
  REQUIRE(neighbour);
  REQUIRE(neighbour.value().set("theirs", "v"));
  REQUIRE(bucket.set("a", "1"));
  REQUIRE(bucket.set("b", "2"));
  auto results = apply(bucket, {operation::clear(), operation::count()});
  CHECK(results[0] == op_result::ok());
  CHECK(results[1] == op_result::of_integer(0));
  CHECK_FALSE(bucket.exists("a").value());
  CHECK(neighbour.value().get("theirs").value() == "v");
}

TEST_CASE_METHOD(one_slot_fixture, "commit applies every operation when nothing watched changed",
                 "[transaction]") {
  REQUIRE(bucket.set("a", "1"));
  auto txn = begin(bucket);
  std::vector<std::string_view> keys{"a", "b"};
  auto values = txn->watch(keys, true);
  REQUIRE(values);
  REQUIRE(values.value().size() == 2);
  CHECK(values.value()[0] == "1");
  CHECK_FALSE(values.value()[1].has_value());
  std::vector<operation> ops{operation::set("a", "2"), operation::set("b", "3"),
                             operation::increment("c", 4)};
  auto committed = txn->commit(ops);
  REQUIRE(committed);
  REQUIRE(committed.value().has_value());
  CHECK(committed.value()->at(2) == op_result::of_integer(4));
  CHECK(bucket.get("a").value() == "2");
  CHECK(bucket.get("b").value() == "3");
}

TEST_CASE_METHOD(one_slot_fixture, "a write to any watched key makes commit apply nothing",
                 "[transaction]") {
  auto written = GENERATE(as<std::string>{}, "a", "b");
  REQUIRE(bucket.set("a", "1"));
  auto txn = begin(bucket);
  std::vector<std::string_view> keys{"a", "b"};
  REQUIRE(txn->watch(keys, false));
  REQUIRE(other_client().set(written, "theirs"));
  std::vector<operation> ops{operation::set("a", "mine"), operation::set("c", "mine")};
  auto committed = txn->commit(ops);
  REQUIRE(committed);
  CHECK_FALSE(committed.value().has_value());
  CHECK(bucket.get(written).value() == "theirs");
  CHECK_FALSE(bucket.exists("c").value());
}

TEST_CASE_METHOD(fixture, "clear touches a watched key that existed", "[transaction]") {
  REQUIRE(bucket.set("a", "1"));
  auto txn = begin(bucket);
  std::vector<std::string_view> keys{"a"};
  REQUIRE(txn->watch(keys, false));
  apply(other_client(), {operation::clear()});
  std::vector<operation> ops{operation::set("a", "mine")};
  CHECK_FALSE(txn->commit(ops).value().has_value());
}

TEST_CASE_METHOD(fixture, "unwatch releases the watches", "[transaction]") {
  auto txn = begin(bucket);
  std::vector<std::string_view> keys{"a"};
  REQUIRE(txn->watch(keys, false));
  REQUIRE(other_client().set("a", "theirs"));
  REQUIRE(txn->unwatch());
  std::vector<operation> ops{operation::set("a", "mine")};
  auto committed = txn->commit(ops);
  REQUIRE(committed);
  REQUIRE(committed.value().has_value());
  CHECK(bucket.get("a").value() == "mine");
}

TEST_CASE_METHOD(fixture, "a transaction can be reused after commit", "[transaction]") {
  auto txn = begin(bucket);
  std::vector<std::string_view> keys{"a"};
  std::vector<operation> ops{operation::increment("a", 1)};
  for (int i = 1; i <= 3; ++i) {
    REQUIRE(txn->watch(keys, false));
    auto committed = txn->commit(ops);
    REQUIRE(committed);
    REQUIRE(committed.value().has_value());
    CHECK(committed.value()->front() == op_result::of_integer(i));
  }
}

TEST_CASE_METHOD(one_slot_fixture, "set_if_none_exist sets every pair only when no key exists",
                 "[apply]") {
  std::vector<std::string_view> fresh{"a", "1", "b", "2", "a", "3"};
  auto first = apply(bucket, {operation::set_if_none_exist(fresh)});
  CHECK(first[0] == op_result::of_integer(1));
  CHECK(bucket.get("a").value() == "3");
  CHECK(bucket.get("b").value() == "2");
  std::vector<std::string_view> clashing{"c", "1", "b", "9"};
  auto second = apply(bucket, {operation::set_if_none_exist(clashing)});
  CHECK(second[0] == op_result::of_integer(0));
  CHECK_FALSE(bucket.exists("c").value());
  CHECK(bucket.get("b").value() == "2");
}
