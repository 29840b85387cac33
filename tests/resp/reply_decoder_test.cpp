#include <catch2/catch.hpp>

#include "feed.hpp"
#include "reply_values.hpp"

using namespace atomkv::resp;
using namespace atomkv::resp::test;

namespace {

// Writes `v`, reads it back whole and one byte at a time, and returns what was read.
reply_value round_trip(const reply_value& v, protocol proto) {
  const std::string bytes = encode(v, proto);
  const reply_log whole = feed_replies_whole(bytes);
  REQUIRE(whole.error.empty());
  REQUIRE(whole.replies.size() == 1);
  REQUIRE(whole.left_over == 0);
  REQUIRE(feed_replies_bytewise(bytes) == whole);
  return whole.replies[0];
}

void check_round_trip(const reply_value& v) {
  for (protocol proto : {protocol::resp2, protocol::resp3}) {
    INFO("RESP" << static_cast<int>(proto) << " " << encode(v, proto));
    CHECK(round_trip(v, proto) == as_received(v, proto));
  }
}

}  // namespace

TEST_CASE("every type round-trips through writer and decoder", "[reply]") {
  check_round_trip(leaf(reply_kind::simple_string, "OK"));
  check_round_trip(leaf(reply_kind::error, "ERR no"));
  check_round_trip(leaf(reply_kind::integer, {}, -42));
  check_round_trip(leaf(reply_kind::bulk_string, std::string("a\r\n\0b", 5)));
  check_round_trip(leaf(reply_kind::bulk_string, ""));
  check_round_trip(leaf(reply_kind::null));
  check_round_trip(leaf(reply_kind::null_array));
  check_round_trip(leaf(reply_kind::double_value, "1.5"));
  check_round_trip(leaf(reply_kind::double_value, "inf"));
  check_round_trip(leaf(reply_kind::double_value, "-inf"));
  check_round_trip(leaf(reply_kind::double_value, "nan"));
  check_round_trip(leaf(reply_kind::boolean, {}, 1));
  check_round_trip(leaf(reply_kind::boolean, {}, 0));
  check_round_trip(verbatim("txt", "some text\r\n"));
  check_round_trip(leaf(reply_kind::big_number, "3492890328409238509324850943850943825024385"));
  check_round_trip(node(reply_kind::array, {}));
  check_round_trip(node(reply_kind::array, {leaf(reply_kind::integer, {}, 1),
                                            node(reply_kind::array, {leaf(reply_kind::null)})}));
  check_round_trip(node(reply_kind::map, {leaf(reply_kind::simple_string, "k"),
                                          node(reply_kind::set, {leaf(reply_kind::boolean)})}));
  check_round_trip(node(reply_kind::set, {leaf(reply_kind::bulk_string, "m")}));
  check_round_trip(node(reply_kind::push, {leaf(reply_kind::bulk_string, "message"),
                                           leaf(reply_kind::bulk_string, "chan")}));
}

TEST_CASE("decoding what Redis sends", "[reply]") {
  const reply_log log = feed_replies_bytewise(
      "+PONG\r\n:1000\r\n$-1\r\n*-1\r\n_\r\n,1.23\r\n#t\r\n(123\r\n"
      "!21\r\nSYNTAX invalid syntax\r\n=15\r\ntxt:Some string\r\n"
      "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2\r\n");
  REQUIRE(log.error.empty());
  REQUIRE(log.replies.size() == 12);
  CHECK(log.replies[0] == leaf(reply_kind::simple_string, "PONG"));
  CHECK(log.replies[1] == leaf(reply_kind::integer, {}, 1000));
  CHECK(log.replies[2] == leaf(reply_kind::null));
  CHECK(log.replies[3] == leaf(reply_kind::null_array));
  CHECK(log.replies[4] == leaf(reply_kind::null));
  CHECK(log.replies[5] == leaf(reply_kind::double_value, "1.23"));
  CHECK(log.replies[6] == leaf(reply_kind::boolean, {}, 1));
  CHECK(log.replies[7] == leaf(reply_kind::big_number, "123"));
  CHECK(log.replies[8] == leaf(reply_kind::error, "SYNTAX invalid syntax"));
  CHECK(log.replies[9] == verbatim("txt", "Some string"));
  CHECK(log.replies[10].kind == reply_kind::attribute);
  CHECK(log.replies[10].children.size() == 2);
  CHECK(log.replies[11] == node(reply_kind::array, {leaf(reply_kind::integer, {}, 2)}));
}

TEST_CASE("an attribute inside an aggregate does not count as an element", "[reply]") {
  const reply_log log = feed_replies_whole("*2\r\n:1\r\n|1\r\n+a\r\n+b\r\n:2\r\n");
  REQUIRE(log.replies.size() == 1);
  REQUIRE(log.replies[0].children.size() == 3);
  CHECK(log.replies[0].children[2] == leaf(reply_kind::integer, {}, 2));
}

TEST_CASE("invalid replies are errors", "[reply]") {
  CHECK(feed_replies_whole("?x\r\n").error == "Protocol error, got '?' as reply type byte");
  CHECK_FALSE(feed_replies_whole(":12a\r\n").error.empty());
  CHECK_FALSE(feed_replies_whole("$3\r\nabcd\r\n").error.empty());
  CHECK_FALSE(feed_replies_whole("$-2\r\n").error.empty());
  CHECK_FALSE(feed_replies_whole("%-1\r\n").error.empty());
  CHECK_FALSE(feed_replies_whole("#x\r\n").error.empty());
  CHECK_FALSE(feed_replies_whole("=2\r\nab\r\n").error.empty());
  CHECK_FALSE(feed_replies_whole("+OK\rx").error.empty());
  CHECK_FALSE(feed_replies_whole("*1\r\n$?\r\n").error.empty());
}

TEST_CASE("a partial reply waits for more", "[reply]") {
  const reply_log log = feed_replies_whole("*3\r\n:1\r\n$5\r\nhel");
  CHECK(log.replies.empty());
  CHECK(log.error.empty());
  CHECK(log.left_over == 15);
}
