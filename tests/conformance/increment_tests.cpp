#include <catch2/catch.hpp>
#include <limits>

#include "conformance/fixture.hpp"

using atomkv::atomics::increment;
using atomkv::conformance::fixture;

TEST_CASE_METHOD(fixture, "increment of a missing key creates it with delta", "[increment]") {
  CHECK(increment(bucket, "n", 5).value() == 5);
  CHECK(bucket.get("n").value() == "5");
  CHECK(increment(bucket, "m", -3).value() == -3);
  CHECK(bucket.get("m").value() == "-3");
}

TEST_CASE_METHOD(fixture, "increment adds, and stores canonical decimal", "[increment]") {
  REQUIRE(bucket.set("n", "7"));
  CHECK(increment(bucket, "n", 1).value() == 8);
  CHECK(increment(bucket, "n", -10).value() == -2);
  CHECK(bucket.get("n").value() == "-2");
  CHECK(increment(bucket, "n", 0).value() == -2);
  REQUIRE(bucket.set("z", "-9223372036854775808"));
  CHECK(increment(bucket, "z", 1).value() == std::numeric_limits<std::int64_t>::min() + 1);
}

TEST_CASE_METHOD(fixture, "increment of a value that is not an integer fails and changes nothing",
                 "[increment]") {
  auto value = GENERATE(as<std::string>{}, " 7", "7 ", "7a", "", "+7", "07", "-0", "1.5", "0x10",
                        "9223372036854775808", "-9223372036854775809", "123456789012345678901",
                        "abc", std::string("7\0", 2));
  INFO("value: '" << value << "'");
  REQUIRE(bucket.set("n", value));
  auto result = increment(bucket, "n", 1);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == atomkv::error::kind::other);
  CHECK(result.error().message == "value is not an integer or out of range");
  CHECK(bucket.get("n").value() == value);
}

TEST_CASE_METHOD(fixture, "increment past int64 fails with overflow and changes nothing",
                 "[increment]") {
  REQUIRE(bucket.set("max", "9223372036854775807"));
  auto up = increment(bucket, "max", 1);
  REQUIRE_FALSE(up);
  CHECK(up.error().message == "increment or decrement would overflow");
  CHECK(bucket.get("max").value() == "9223372036854775807");

  REQUIRE(bucket.set("min", "-9223372036854775808"));
  auto down = increment(bucket, "min", -1);
  REQUIRE_FALSE(down);
  CHECK(down.error().message == "increment or decrement would overflow");
  CHECK(bucket.get("min").value() == "-9223372036854775808");

  auto missing = increment(bucket, "fresh", std::numeric_limits<std::int64_t>::min());
  REQUIRE(missing);
  CHECK(missing.value() == std::numeric_limits<std::int64_t>::min());
}

TEST_CASE_METHOD(fixture, "a counter is the bytes Redis stores", "[increment]") {
  REQUIRE(increment(bucket, "n", 41));
  REQUIRE(increment(bucket, "n", 1));
  CHECK(bucket.get("n").value() == "42");
  REQUIRE(bucket.set("n", "100"));
  CHECK(increment(bucket, "n", 1).value() == 101);
}
