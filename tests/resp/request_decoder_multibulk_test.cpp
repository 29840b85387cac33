#include <catch2/catch.hpp>

#include "feed.hpp"

using namespace atomkv::resp;
using namespace atomkv::resp::test;

TEST_CASE("a multibulk request decodes to views into the buffer", "[request]") {
  const std::string bytes = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*1\r\n$4\r\nPING\r\n";
  request_decoder decoder;
  request req;
  REQUIRE(decoder.decode(bytes, req) == decode_status::complete);
  REQUIRE(req.args.size() == 3);
  CHECK(req.args[0] == "SET");
  CHECK(req.args[1] == "key");
  CHECK(req.args[2] == "value");
  CHECK_FALSE(req.is_inline);
  CHECK(req.args[2].data() == bytes.data() + 26);  // no copy
  CHECK(decoder.consumed() == 33);
  std::string_view rest = std::string_view(bytes).substr(decoder.consumed());
  REQUIRE(decoder.decode(rest, req) == decode_status::complete);
  CHECK(req.args == std::vector<std::string_view>{"PING"});
  CHECK(decoder.consumed() == rest.size());
}

TEST_CASE("bulk arguments may hold any bytes", "[request]") {
  const std::string value("a\r\nb\0c*$", 8);
  const std::string bytes = "*2\r\n$3\r\nSET\r\n$8\r\n" + value + "\r\n";
  CHECK(feed_requests_whole(bytes).requests == std::vector<args>{{"SET", value}});
  CHECK(feed_requests_bytewise(bytes).requests == std::vector<args>{{"SET", value}});
  CHECK(feed_requests_whole("*1\r\n$0\r\n\r\n").requests == std::vector<args>{{""}});
}

TEST_CASE("a request split at every byte gives the same result", "[request]") {
  const std::string bytes =
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123456789\r\n"
      "PING\r\n"
      "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
      "SET  \"a b\"  'c\\'d'\n"
      "*0\r\n\r\n*-1\r\n"
      "*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$2\r\n-5\r\n"
      "*2\r\n$4\r\nECHO\r\n$3\r\nunf";
  const request_log whole = feed_requests_whole(bytes);
  REQUIRE(whole.requests.size() == 5);
  CHECK(whole.requests[3] == args{"SET", "a b", "c'd"});
  CHECK(whole.requests[4] == args{"INCRBY", "n", "-5"});
  CHECK(whole.error.empty());
  CHECK(whole.left_over == 21);
  CHECK(feed_requests_bytewise(bytes) == whole);
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    bool first = true;
    auto two_parts = [&](std::size_t left) {
      const std::size_t n = first ? cut : left;
      first = false;
      return std::max<std::size_t>(n, 1);
    };
    CHECK(feed_requests(bytes, two_parts) == whole);
  }
}

TEST_CASE("empty multibulks are skipped, as Redis does", "[request]") {
  CHECK(feed_requests_whole("*0\r\n*-1\r\n*-7\r\n*1\r\n$4\r\nPING\r\n").requests ==
        std::vector<args>{{"PING"}});
  // Nothing but skipped requests: nothing to handle, nothing pending.
  request_decoder decoder;
  request req;
  CHECK(decoder.decode("*0\r\n", req) == decode_status::need_more);
  CHECK(decoder.decode("*0\r\n*1\r\n$1\r\nx\r\n", req) == decode_status::complete);
  CHECK(decoder.consumed() == 15);  // the skipped request is dropped with the next one
}

TEST_CASE("Redis does not check the two bytes after a line's \\r or a bulk's data", "[request]") {
  // Redis 7.0.15 answers +PONG twice to this stream.
  CHECK(feed_requests_whole("*1\r\n$4\r\nPINGxx*1\rX$4\r\nPING\r\n").requests ==
        std::vector<args>{{"PING"}, {"PING"}});
}

TEST_CASE("a large bulk arriving in small reads is waited for by length", "[request]") {
  const std::string big(1 << 20, 'v');
  const std::string bytes =
      "*2\r\n$3\r\nSET\r\n$" + std::to_string(big.size()) + "\r\n" + big + "\r\n";
  const request_log log = feed_requests(bytes, [](std::size_t) { return std::size_t{1000}; });
  REQUIRE(log.requests.size() == 1);
  CHECK(log.requests[0][1] == big);
}

TEST_CASE("limits at their exact boundaries", "[request][limits]") {
  request_limits limits;
  limits.max_bulk_length = 4;
  limits.max_multibulk_length = 2;
  CHECK(feed_requests_whole("*2\r\n$4\r\nabcd\r\n$1\r\nx\r\n", limits).requests ==
        std::vector<args>{{"abcd", "x"}});
  CHECK(feed_requests_whole("*3\r\n", limits).error ==
        "ERR Protocol error: invalid multibulk length");
  CHECK(feed_requests_whole("*1\r\n$5\r\n", limits).error ==
        "ERR Protocol error: invalid bulk length");

  // The defaults: 512 MB per bulk, 1024*1024 arguments.
  CHECK(feed_requests_whole("*1\r\n$536870912\r\n").error.empty());
  CHECK(feed_requests_whole("*1\r\n$536870913\r\n").error ==
        "ERR Protocol error: invalid bulk length");
  CHECK(feed_requests_whole("*1048576\r\n").error.empty());
  CHECK(feed_requests_whole("*1048577\r\n").error ==
        "ERR Protocol error: invalid multibulk length");
}

TEST_CASE("the request's storage is reused across requests", "[request]") {
  request_decoder decoder;
  request req;
  const std::string bytes = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";
  REQUIRE(decoder.decode(bytes, req) == decode_status::complete);
  const auto* data = req.args.data();
  REQUIRE(decoder.decode(bytes, req) == decode_status::complete);
  CHECK(req.args.data() == data);
}

TEST_CASE("reset forgets a partial request and an error", "[request]") {
  request_decoder decoder;
  request req;
  CHECK(decoder.decode("*2\r\n$3\r\nGET\r\n", req) == decode_status::need_more);
  decoder.reset();
  CHECK(decoder.decode("PING\r\n", req) == decode_status::complete);
  CHECK(decoder.decode("*x\r\n", req) == decode_status::error);
  CHECK(decoder.decode("PING\r\n", req) == decode_status::error);  // stays failed
  decoder.reset();
  CHECK(decoder.decode("PING\r\n", req) == decode_status::complete);
  CHECK(decoder.error_message().empty());
}
