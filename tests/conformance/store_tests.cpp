#include <catch2/catch.hpp>

#include "conformance/fixture.hpp"

using atomkv::conformance::fixture;

TEST_CASE_METHOD(fixture, "get of a missing key is none", "[store]") {
  auto got = bucket.get("missing");
  REQUIRE(got);
  CHECK_FALSE(got.value().has_value());
}

TEST_CASE_METHOD(fixture, "set then get returns the same bytes", "[store]") {
  std::string binary("a\0b\r\n\xff\x00z", 8);
  std::string large(1024 * 1024, '\0');
  for (std::size_t i = 0; i < large.size(); ++i) {
    large[i] = static_cast<char>(i * 131 + 7);
  }
  auto [key, value] = GENERATE_COPY(table<std::string, std::string>(
      {{"empty", ""}, {"text", "hello"}, {"binary", binary}, {"large", large}}));
  REQUIRE(bucket.set(key, value));
  auto got = bucket.get(key);
  REQUIRE(got);
  REQUIRE(got.value().has_value());
  CHECK(got.value()->size() == value.size());
  CHECK(*got.value() == value);
}

TEST_CASE_METHOD(fixture, "keys may hold any bytes", "[store]") {
  std::string key("k\0\xfe y*?[", 8);
  REQUIRE(bucket.set(key, "v"));
  CHECK(bucket.get(key).value() == "v");
  CHECK(bucket.exists(key).value());
  CHECK_FALSE(bucket.exists(std::string("k", 1)).value());
}

TEST_CASE_METHOD(fixture, "set overwrites", "[store]") {
  REQUIRE(bucket.set("k", "one"));
  REQUIRE(bucket.set("k", "two"));
  CHECK(bucket.get("k").value() == "two");
}

TEST_CASE_METHOD(fixture, "delete removes a key and is ok on a missing key", "[store]") {
  REQUIRE(bucket.set("k", "v"));
  CHECK(bucket.exists("k").value());
  REQUIRE(bucket.remove("k"));
  CHECK_FALSE(bucket.exists("k").value());
  CHECK_FALSE(bucket.get("k").value().has_value());
  CHECK(bucket.remove("k"));
  CHECK(bucket.remove("never-written"));
}

TEST_CASE_METHOD(fixture, "exists", "[store]") {
  CHECK_FALSE(bucket.exists("k").value());
  REQUIRE(bucket.set("k", ""));
  CHECK(bucket.exists("k").value());
}

TEST_CASE_METHOD(fixture, "buckets are separate namespaces", "[store]") {
  auto other = store.open(bucket_name + "-other");
  REQUIRE(other);
  REQUIRE(bucket.set("shared-name", "mine"));
  CHECK_FALSE(other.value().get("shared-name").value().has_value());
  REQUIRE(other.value().set("shared-name", "theirs"));
  CHECK(bucket.get("shared-name").value() == "mine");
  CHECK(other.value().get("shared-name").value() == "theirs");
}

TEST_CASE_METHOD(fixture, "another client sees a write at once", "[store]") {
  auto peer = other_client();
  REQUIRE(bucket.set("k", "v"));
  CHECK(peer.get("k").value() == "v");
}

TEST_CASE("an unknown scheme or a malformed URL is no-such-store", "[store]") {
  for (const char* url : {"nosuch://x", "memory", "", "redis://host:notaport"}) {
    auto connected = atomkv::connect(url);
    REQUIRE_FALSE(connected);
    CHECK(connected.error().code == atomkv::error::kind::no_such_store);
  }
}
