#include <catch2/catch.hpp>

#include "atomkv/glob.hpp"

using atomkv::glob_match;

TEST_CASE("glob_match follows Redis's KEYS patterns", "[glob]") {
  CHECK(glob_match("*", ""));
  CHECK(glob_match("*", "anything"));
  CHECK(glob_match("h?llo", "hello"));
  CHECK_FALSE(glob_match("h?llo", "hllo"));
  CHECK(glob_match("h*llo", "hllo"));
  CHECK(glob_match("h*llo", "heeeello"));
  CHECK(glob_match("h[ae]llo", "hallo"));
  CHECK_FALSE(glob_match("h[ae]llo", "hillo"));
  CHECK(glob_match("h[^e]llo", "hallo"));
  CHECK_FALSE(glob_match("h[^e]llo", "hello"));
  CHECK(glob_match("h[a-b]llo", "hbllo"));
  CHECK(glob_match("h[b-a]llo", "hallo"));
  CHECK(glob_match("a\\*b", "a*b"));
  CHECK_FALSE(glob_match("a\\*b", "axb"));
  CHECK(glob_match("user:*:name", "user:42:name"));
  CHECK_FALSE(glob_match("user:*:name", "user:42:age"));
  CHECK(glob_match("*a*b*c", "xxaxxbxxc"));
  CHECK_FALSE(glob_match("*a*b*c", "xxaxxcxxb"));
  CHECK_FALSE(glob_match("abc", "abcd"));
  CHECK(glob_match("[\\]]", "]"));
}

// Redis's stringmatchlen compares nothing when the key is empty: only the empty pattern matches
// it, and "*" only because KEYS and SCAN take every key for "*" without matching.
TEST_CASE("glob_match: the empty key matches only \"\" and \"*\", as in Redis", "[glob]") {
  CHECK(glob_match("", ""));
  CHECK(glob_match("*", ""));
  CHECK_FALSE(glob_match("**", ""));
  CHECK_FALSE(glob_match("***", ""));
  CHECK_FALSE(glob_match("[", ""));
  CHECK_FALSE(glob_match("\\", ""));
  CHECK(glob_match("**", "a"));
  CHECK(glob_match("a*", "a"));
  CHECK(glob_match("a**", "a"));
  CHECK_FALSE(glob_match("", "a"));
}

// Redis reads range bounds into ints from (signed) chars: a range through a byte >= 0x80 spans
// the negative values, below the ASCII ones.
TEST_CASE("glob_match: ranges compare bytes as signed chars, as in Redis", "[glob]") {
  CHECK_FALSE(glob_match("[a-\xff]", "b"));
  CHECK(glob_match("[a-\xff]", "0"));
  CHECK(glob_match("[a-\xff]", "\xff"));
  CHECK_FALSE(glob_match("[a-\xff]", "\x80"));
  CHECK_FALSE(glob_match("[\x80-\x90]", "a"));
  CHECK(glob_match("[\x80-\x90]", "\x85"));
}

TEST_CASE("glob_match is linear on pathological patterns", "[glob]") {
  std::string text(2000, 'a');
  std::string pattern;
  for (int i = 0; i < 30; ++i) {
    pattern += "*a";
  }
  pattern += "b";
  CHECK_FALSE(glob_match(pattern, text));
}
