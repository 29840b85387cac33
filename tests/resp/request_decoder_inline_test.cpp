#include <catch2/catch.hpp>

#include "feed.hpp"

using namespace atomkv::resp;
using namespace atomkv::resp::test;

namespace {

std::vector<args> inline_args(std::string_view line) {
  const request_log log = feed_requests_whole(std::string(line) + "\r\n");
  REQUIRE(log.error.empty());
  REQUIRE(feed_requests_bytewise(std::string(line) + "\r\n") == log);
  return log.requests;
}

std::string inline_error(std::string_view line) {
  return feed_requests_whole(std::string(line) + "\r\n").error;
}

}  // namespace

TEST_CASE("inline commands as telnet users type them", "[request][inline]") {
  CHECK(inline_args("PING") == std::vector<args>{{"PING"}});
  CHECK(inline_args("set  key\tvalue ") == std::vector<args>{{"set", "key", "value"}});
  CHECK(feed_requests_whole("PING\n").requests == std::vector<args>{{"PING"}});
  CHECK(feed_requests_whole("PING\r\r\n").requests == std::vector<args>{{"PING"}});
  CHECK(feed_requests_whole("ECHO a\rb\r\n").requests == std::vector<args>{{"ECHO", "a", "b"}});

  request_decoder decoder;
  request req;
  const std::string bytes = "GET key\r\n";
  REQUIRE(decoder.decode(bytes, req) == decode_status::complete);
  CHECK(req.is_inline);
  CHECK(req.args[1].data() == bytes.data() + 4);  // unquoted arguments are views
  CHECK(decoder.consumed() == bytes.size());
}

TEST_CASE("inline quoting follows sdssplitargs", "[request][inline]") {
  CHECK(inline_args(R"(SET "a b" 'c d')") == std::vector<args>{{"SET", "a b", "c d"}});
  CHECK(inline_args(R"(ECHO "\n\r\t\b\a\\\"\z")") ==
        std::vector<args>{{"ECHO", "\n\r\t\b\a\\\"z"}});
  CHECK(inline_args(R"(ECHO "\x41\x4g\x7e\xFF")") == std::vector<args>{{"ECHO", "Ax4g~\xff"}});
  CHECK(inline_args(R"(ECHO "\x4")") == std::vector<args>{{"ECHO", "x4"}});
  CHECK(inline_args(R"(ECHO 'a\'b' 'a\\b' 'a\nb')") ==
        std::vector<args>{{"ECHO", "a'b", "a\\\\b", "a\\nb"}});
  // A quote may open in the middle of an argument (Redis 7.0.15: ECHO a"b c" -> "ab c").
  CHECK(inline_args(R"(ECHO a"b c")") == std::vector<args>{{"ECHO", "ab c"}});
  // Empty quoted arguments are kept (Redis 7.0.15: ECHO '' -> "").
  CHECK(inline_args(R"(SET k "")") == std::vector<args>{{"SET", "k", ""}});
  CHECK(inline_args("SET k ''") == std::vector<args>{{"SET", "k", ""}});
  // Blanks between arguments are isspace(); \v and \f do not end an unquoted argument.
  CHECK(inline_args("\vECHO\vx") == std::vector<args>{{"ECHO\vx"}});
  CHECK(inline_args("ECHO \"a\"\vb") == std::vector<args>{{"ECHO", "a", "b"}});
  CHECK(inline_args("ECHO \"a\"\tb") == std::vector<args>{{"ECHO", "a", "b"}});
}

TEST_CASE("unbalanced quotes", "[request][inline]") {
  const std::string unbalanced = "ERR Protocol error: unbalanced quotes in request";
  CHECK(inline_error(R"(ECHO "abc)") == unbalanced);
  CHECK(inline_error(R"(ECHO 'abc)") == unbalanced);
  CHECK(inline_error(R"(ECHO "a"b)") == unbalanced);  // closing quote not followed by a space
  CHECK(inline_error(R"(ECHO 'ab'c)") == unbalanced);
  CHECK(inline_error(R"(ECHO x"a""b")") == unbalanced);
  CHECK(inline_error(R"(ECHO "a\")") == unbalanced);
  CHECK(inline_error(R"(ECHO "\)") == unbalanced);
  CHECK(inline_error(R"(ECHO 'a\')") == unbalanced);
}

TEST_CASE("empty and blank inline lines are skipped", "[request][inline]") {
  CHECK(feed_requests_whole("\r\n\n   \r\n\t\nPING\r\n").requests == std::vector<args>{{"PING"}});
  CHECK(feed_requests_bytewise("\r\n\n   \r\n\t\nPING\r\n").requests ==
        std::vector<args>{{"PING"}});
  request_decoder decoder;
  request req;
  CHECK(decoder.decode("\r\n", req) == decode_status::need_more);
}

TEST_CASE("quoted arguments survive the vector growing", "[request][inline]") {
  std::string line = "MSET";
  for (int i = 0; i < 200; ++i) {
    line += " \"k" + std::to_string(i) + "\\x21\" plain" + std::to_string(i);
  }
  const std::vector<args> got = inline_args(line);
  REQUIRE(got.size() == 1);
  REQUIRE(got[0].size() == 401);
  CHECK(got[0][1] == "k0!");
  CHECK(got[0][2] == "plain0");
  CHECK(got[0][399] == "k199!");
  CHECK(got[0][400] == "plain199");
}
