// Every protocol error, with the exact line Redis 7.0 sends (checked against redis-server 7.0.15).
#include <catch2/catch.hpp>

#include "feed.hpp"

using namespace atomkv::resp;
using namespace atomkv::resp::test;

namespace {

// The error a stream ends in, the same however the bytes are split.
std::string error_of(const std::string& bytes, request_limits limits = {}) {
  const request_log whole = feed_requests_whole(bytes, limits);
  CHECK(feed_requests_bytewise(bytes, limits) == whole);
  CHECK(feed_requests(
            bytes, [](std::size_t) { return std::size_t{7}; }, limits) == whole);
  return whole.error;
}

}  // namespace

TEST_CASE("invalid multibulk length", "[request][errors]") {
  const std::string e = "ERR Protocol error: invalid multibulk length";
  CHECK(error_of("*x\r\n") == e);
  CHECK(error_of("*\r\n") == e);
  CHECK(error_of("*01\r\n") == e);
  CHECK(error_of("*+1\r\n") == e);
  CHECK(error_of("* 1\r\n") == e);
  CHECK(error_of("*-0\r\n") == e);
  CHECK(error_of("*1048577\r\n") == e);
  CHECK(error_of("*99999999999999999999\r\n") == e);
  CHECK(error_of("*1 \r\n") == e);
}

TEST_CASE("invalid bulk length", "[request][errors]") {
  const std::string e = "ERR Protocol error: invalid bulk length";
  CHECK(error_of("*1\r\n$-1\r\n") == e);
  CHECK(error_of("*1\r\n$\r\n") == e);
  CHECK(error_of("*1\r\n$x\r\n") == e);
  CHECK(error_of("*1\r\n$03\r\n") == e);
  CHECK(error_of("*1\r\n$536870913\r\n") == e);
  CHECK(error_of("*2\r\n$4\r\nECHO\r\n$1 \r\n") == e);
}

TEST_CASE("expected '$', got the byte", "[request][errors]") {
  CHECK(error_of("*1\r\nX4\r\n") == "ERR Protocol error: expected '$', got 'X'");
  CHECK(error_of("*2\r\n$4\r\nECHO\r\n:1\r\n") == "ERR Protocol error: expected '$', got ':'");
  // Line breaks in error replies become spaces.
  CHECK(error_of("*1\r\n\r\n") == "ERR Protocol error: expected '$', got ' '");
  CHECK(error_of("*1\r\n\n\r\n") == "ERR Protocol error: expected '$', got ' '");
}

TEST_CASE("too big inline request", "[request][errors]") {
  const std::string e = "ERR Protocol error: too big inline request";
  CHECK(error_of(std::string(64 * 1024, 'P')).empty());  // still waiting for its end
  CHECK(error_of(std::string(64 * 1024 + 1, 'P')) == e);
  CHECK(error_of(std::string(64 * 1024, 'P') + "\n") == "");
  CHECK(error_of(std::string(64 * 1024 + 1, 'P') + "\r\n") == e);
  request_limits small;
  small.max_inline_length = 8;
  // The limit counts every byte before the '\n', the '\r' included.
  CHECK(error_of("PING 12\r\n", small).empty());
  CHECK(error_of("PING 123\r\n", small) == e);
}

TEST_CASE("too big mbulk and bulk count strings", "[request][errors]") {
  const std::string mbulk = "ERR Protocol error: too big mbulk count string";
  const std::string bulk = "ERR Protocol error: too big bulk count string";
  CHECK(error_of("*" + std::string(64 * 1024 - 1, '1')).empty());
  CHECK(error_of("*" + std::string(64 * 1024, '1')) == mbulk);
  CHECK(error_of("*2\r\n$4\r\nECHO\r\n$" + std::string(64 * 1024 - 1, '1')).empty());
  CHECK(error_of("*2\r\n$4\r\nECHO\r\n$" + std::string(64 * 1024, '1')) == bulk);
  // The limit comes before the '$' check.
  CHECK(error_of("*1\r\n" + std::string(70000, 'X')) == bulk);
  // A line that ends past the limit is refused whatever the read sizes.
  CHECK(error_of("*" + std::string(64 * 1024, '1') + "\r\n") == mbulk);
  // A line of exactly the limit is judged on its value.
  CHECK(error_of("*" + std::string(64 * 1024 - 1, '1') + "\r\n") ==
        "ERR Protocol error: invalid multibulk length");
}

TEST_CASE("a NUL byte in a line keeps it from ending, as Redis's strchr does",
          "[request][errors]") {
  // redis-server 7.0.15 leaves these connections open, waiting.
  CHECK(feed_requests_whole(std::string("*1\0\r\n", 5)).left_over == 5);
  CHECK(feed_requests_whole(std::string("PING\0\r\n", 7)).left_over == 7);
  CHECK(feed_requests_whole(std::string("*1\r\n$4\0\r\n", 9)).left_over == 9);
  CHECK(error_of(std::string("*1\0\r\n", 5) + std::string(64 * 1024, 'x')) ==
        "ERR Protocol error: too big mbulk count string");
  CHECK(error_of(std::string("PING\0\r\n", 7) + std::string(64 * 1024, 'x')) ==
        "ERR Protocol error: too big inline request");
}

TEST_CASE("requests before an error are decoded", "[request][errors]") {
  const request_log log = feed_requests_whole("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n");
  CHECK(log.requests == std::vector<args>{{"PING"}, {"PING"}});
  CHECK(log.error == "ERR Protocol error: invalid multibulk length");
}

TEST_CASE("before authentication, requests are limited as Redis limits them", "[request][errors]") {
  atomkv::resp::request_decoder decoder;
  atomkv::resp::request req;
  decoder.set_authenticated(false);
  CHECK(decoder.decode("*10\r\n", req) == atomkv::resp::decode_status::need_more);
  decoder.reset();
  CHECK(decoder.decode("*11\r\n", req) == atomkv::resp::decode_status::error);
  CHECK(decoder.error_message() == "ERR Protocol error: unauthenticated multibulk length");
  decoder.reset();
  CHECK(decoder.decode("*1\r\n$16385\r\n", req) == atomkv::resp::decode_status::error);
  CHECK(decoder.error_message() == "ERR Protocol error: unauthenticated bulk length");
  decoder.reset();
  std::string small = "*1\r\n$16384\r\n" + std::string(16384, 'x') + "\r\n";
  REQUIRE(decoder.decode(small, req) == atomkv::resp::decode_status::complete);
  CHECK(req.args.at(0).size() == 16384);
  decoder.set_authenticated(true);
  CHECK(decoder.decode("*11\r\n", req) == atomkv::resp::decode_status::need_more);
}
