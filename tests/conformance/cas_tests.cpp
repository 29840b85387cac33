#include <catch2/catch.hpp>

#include "conformance/fixture.hpp"

using atomkv::atomics::cas;
using atomkv::atomics::swap;
using atomkv::conformance::fixture;

namespace {

cas make_or_fail(const atomkv::bucket& bucket, std::string_view key) {
  auto made = cas::make(bucket, key);
  REQUIRE(made);
  return std::move(made).value();
}

// Swaps and expects cas-failed; returns the refreshed handle.
cas expect_conflict(cas&& handle, std::string_view value) {
  auto swapped = swap(std::move(handle), value);
  REQUIRE_FALSE(swapped);
  REQUIRE(swapped.error().is_cas_failed());
  return std::move(swapped).error().take_refreshed();
}

}  // namespace

TEST_CASE_METHOD(fixture, "cas captures the current value", "[cas]") {
  REQUIRE(bucket.set("k", "old"));
  auto handle = make_or_fail(bucket, "k");
  CHECK(handle.key() == "k");
  CHECK(handle.current().value() == "old");
  auto missing = make_or_fail(bucket, "absent");
  CHECK_FALSE(missing.current().value().has_value());
}

TEST_CASE_METHOD(fixture, "current returns the captured value, not a second read", "[cas]") {
  REQUIRE(bucket.set("k", "captured"));
  auto handle = make_or_fail(bucket, "k");
  REQUIRE(other_client().set("k", "later"));
  CHECK(handle.current().value() == "captured");
}

TEST_CASE_METHOD(fixture, "swap with no intervening write succeeds", "[cas]") {
  REQUIRE(bucket.set("k", "old"));
  auto handle = make_or_fail(bucket, "k");
  REQUIRE(handle.current().value() == "old");
  REQUIRE(swap(std::move(handle), "new"));
  CHECK(bucket.get("k").value() == "new");
}

TEST_CASE_METHOD(fixture, "a write between make and swap fails the swap with a refreshed handle",
                 "[cas]") {
  REQUIRE(bucket.set("k", "old"));
  auto handle = make_or_fail(bucket, "k");
  REQUIRE(other_client().set("k", "theirs"));
  auto refreshed = expect_conflict(std::move(handle), "mine");
  CHECK(bucket.get("k").value() == "theirs");
  CHECK(refreshed.key() == "k");
  CHECK(refreshed.current().value() == "theirs");
  REQUIRE(swap(std::move(refreshed), "mine"));
  CHECK(bucket.get("k").value() == "mine");
}

TEST_CASE_METHOD(fixture, "writing the same bytes again still conflicts", "[cas]") {
  REQUIRE(bucket.set("k", "same"));
  auto handle = make_or_fail(bucket, "k");
  REQUIRE(other_client().set("k", "same"));
  expect_conflict(std::move(handle), "mine");
  CHECK(bucket.get("k").value() == "same");
}

TEST_CASE_METHOD(fixture, "delete then re-create with the old bytes conflicts (no ABA)", "[cas]") {
  REQUIRE(bucket.set("k", "v"));
  auto handle = make_or_fail(bucket, "k");
  auto peer = other_client();
  REQUIRE(peer.remove("k"));
  REQUIRE(peer.set("k", "v"));
  expect_conflict(std::move(handle), "mine");
  CHECK(bucket.get("k").value() == "v");
}

TEST_CASE_METHOD(fixture, "a delete between make and swap conflicts", "[cas]") {
  REQUIRE(bucket.set("k", "v"));
  auto handle = make_or_fail(bucket, "k");
  REQUIRE(other_client().remove("k"));
  auto refreshed = expect_conflict(std::move(handle), "mine");
  CHECK_FALSE(refreshed.current().value().has_value());
  CHECK_FALSE(bucket.exists("k").value());
}

TEST_CASE_METHOD(fixture, "an increment between make and swap conflicts", "[cas]") {
  REQUIRE(bucket.set("k", "1"));
  auto handle = make_or_fail(bucket, "k");
  REQUIRE(atomkv::atomics::increment(other_client(), "k", 1));
  auto refreshed = expect_conflict(std::move(handle), "100");
  CHECK(refreshed.current().value() == "2");
}

TEST_CASE_METHOD(fixture, "swap is conditional even if current was never called", "[cas]") {
  REQUIRE(bucket.set("k", "old"));
  auto handle = cas::make(bucket, "k");
  REQUIRE(handle);
  REQUIRE(other_client().set("k", "theirs"));
  auto swapped = swap(std::move(handle).value(), "mine");
  REQUIRE_FALSE(swapped);
  CHECK(swapped.error().is_cas_failed());
  CHECK(bucket.get("k").value() == "theirs");
}

TEST_CASE_METHOD(fixture, "cas on a missing key inserts while it is still missing", "[cas]") {
  auto handle = make_or_fail(bucket, "fresh");
  REQUIRE(swap(std::move(handle), "first"));
  CHECK(bucket.get("fresh").value() == "first");
}

TEST_CASE_METHOD(fixture, "cas on a missing key fails if someone created it", "[cas]") {
  auto handle = make_or_fail(bucket, "fresh");
  REQUIRE(other_client().set("fresh", "theirs"));
  auto refreshed = expect_conflict(std::move(handle), "mine");
  CHECK(refreshed.current().value() == "theirs");
  CHECK(bucket.get("fresh").value() == "theirs");
}

TEST_CASE_METHOD(fixture, "cas on a missing key fails if it was created and deleted again",
                 "[cas]") {
  auto handle = make_or_fail(bucket, "fresh");
  auto peer = other_client();
  REQUIRE(peer.set("fresh", "briefly"));
  REQUIRE(peer.remove("fresh"));
  auto refreshed = expect_conflict(std::move(handle), "mine");
  CHECK_FALSE(refreshed.current().value().has_value());
  CHECK_FALSE(bucket.exists("fresh").value());
  REQUIRE(swap(std::move(refreshed), "mine"));
  CHECK(bucket.get("fresh").value() == "mine");
}

TEST_CASE_METHOD(fixture, "writes to other keys do not fail a cas", "[cas]") {
  REQUIRE(bucket.set("k", "v"));
  auto handle = make_or_fail(bucket, "k");
  auto peer = other_client();
  for (int i = 0; i < 100; ++i) {
    REQUIRE(peer.set("neighbour-" + std::to_string(i), "x"));
  }
  REQUIRE(swap(std::move(handle), "mine"));
}

TEST_CASE_METHOD(fixture, "a dropped handle leaves nothing behind", "[cas]") {
  {
    auto handle = make_or_fail(bucket, "dropped");
    auto other = make_or_fail(bucket, "k");
  }
  CHECK_FALSE(bucket.exists("dropped").value());
  auto page = bucket.list_keys();
  REQUIRE(page);
  CHECK(page.value().keys.empty());
  // Many handles made and dropped must not exhaust anything (connections, locks, memory).
  for (int i = 0; i < 200; ++i) {
    auto handle = make_or_fail(bucket, "k" + std::to_string(i % 7));
  }
  auto handle = make_or_fail(bucket, "k");
  REQUIRE(swap(std::move(handle), "done"));
}
