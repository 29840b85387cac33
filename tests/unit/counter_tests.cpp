#include <catch2/catch.hpp>
#include <limits>

#include "atomkv/counter.hpp"

using atomkv::counter::add;
using atomkv::counter::format;
using atomkv::counter::parse;

TEST_CASE("counter::parse accepts canonical decimal int64", "[counter]") {
  CHECK(parse("0") == 0);
  CHECK(parse("7") == 7);
  CHECK(parse("-7") == -7);
  CHECK(parse("9223372036854775807") == std::numeric_limits<std::int64_t>::max());
  CHECK(parse("-9223372036854775808") == std::numeric_limits<std::int64_t>::min());
}

TEST_CASE("counter::parse rejects what Redis rejects", "[counter]") {
  for (std::string_view bad :
       {"", "-", "+1", " 1", "1 ", "01", "-0", "00", "1a", "0x1", "1.0", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901", "1e3"}) {
    INFO(bad);
    CHECK_FALSE(parse(bad).has_value());
  }
  CHECK_FALSE(parse(std::string_view("1\0", 2)).has_value());
}

TEST_CASE("counter::format is the inverse of parse", "[counter]") {
  for (std::int64_t v :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{42},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    CHECK(parse(format(v)) == v);
  }
}

TEST_CASE("counter::add detects overflow", "[counter]") {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  CHECK(add(1, 2) == 3);
  CHECK_FALSE(add(max, 1).has_value());
  CHECK_FALSE(add(min, -1).has_value());
  CHECK(add(max, min) == -1);
}
