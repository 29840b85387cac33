#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "atomkv/resp/reply_writer.hpp"

using namespace atomkv::resp;

namespace {

template <typename Write>
std::string encode(protocol proto, Write write) {
  std::string out;
  reply_writer writer(out, proto);
  write(writer);
  return out;
}

template <typename Write>
void check_both(Write write, std::string_view resp2, std::string_view resp3) {
  CHECK(encode(protocol::resp2, write) == resp2);
  CHECK(encode(protocol::resp3, write) == resp3);
}

}  // namespace

TEST_CASE("types RESP2 and RESP3 share", "[writer]") {
  check_both([](reply_writer& w) { w.simple("OK"); }, "+OK\r\n", "+OK\r\n");
  check_both([](reply_writer& w) { w.error("ERR boom"); }, "-ERR boom\r\n", "-ERR boom\r\n");
  check_both([](reply_writer& w) { w.integer(0); }, ":0\r\n", ":0\r\n");
  check_both([](reply_writer& w) { w.integer(INT64_MIN); }, ":-9223372036854775808\r\n",
             ":-9223372036854775808\r\n");
  check_both([](reply_writer& w) { w.integer(INT64_MAX); }, ":9223372036854775807\r\n",
             ":9223372036854775807\r\n");
  check_both([](reply_writer& w) { w.bulk(""); }, "$0\r\n\r\n", "$0\r\n\r\n");
  check_both([](reply_writer& w) { w.bulk(std::string_view("a\0\r\n", 4)); },
             std::string_view("$4\r\na\0\r\n\r\n", 10), std::string_view("$4\r\na\0\r\n\r\n", 10));
  check_both([](reply_writer& w) { w.array_header(2); }, "*2\r\n", "*2\r\n");
  check_both([](reply_writer& w) { w.array_header(0); }, "*0\r\n", "*0\r\n");
}

TEST_CASE("RESP3 types as Redis 7 downgrades them for RESP2", "[writer]") {
  check_both([](reply_writer& w) { w.null(); }, "$-1\r\n", "_\r\n");
  check_both([](reply_writer& w) { w.null_array(); }, "*-1\r\n", "_\r\n");
  check_both([](reply_writer& w) { w.map_header(2); }, "*4\r\n", "%2\r\n");
  check_both([](reply_writer& w) { w.set_header(3); }, "*3\r\n", "~3\r\n");
  check_both([](reply_writer& w) { w.push_header(3); }, "*3\r\n", ">3\r\n");
  check_both([](reply_writer& w) { w.boolean(true); }, ":1\r\n", "#t\r\n");
  check_both([](reply_writer& w) { w.boolean(false); }, ":0\r\n", "#f\r\n");
  check_both([](reply_writer& w) { w.verbatim("txt", "hello"); }, "$5\r\nhello\r\n",
             "=9\r\ntxt:hello\r\n");
  check_both([](reply_writer& w) { w.big_number("-3492890328409238509324850943850943825024385"); },
             "$44\r\n-3492890328409238509324850943850943825024385\r\n",
             "(-3492890328409238509324850943850943825024385\r\n");
}

TEST_CASE("doubles are formatted as Redis 7.0 does (%.17g)", "[writer]") {
  check_both([](reply_writer& w) { w.double_value(1.5); }, "$3\r\n1.5\r\n", ",1.5\r\n");
  check_both([](reply_writer& w) { w.double_value(0.1); }, "$19\r\n0.10000000000000001\r\n",
             ",0.10000000000000001\r\n");
  check_both([](reply_writer& w) { w.double_value(10); }, "$2\r\n10\r\n", ",10\r\n");
  check_both([](reply_writer& w) { w.double_value(-0.0); }, "$2\r\n-0\r\n", ",-0\r\n");
  check_both([](reply_writer& w) { w.double_value(1e300); }, "$23\r\n1.0000000000000001e+300\r\n",
             ",1.0000000000000001e+300\r\n");
  check_both([](reply_writer& w) { w.double_value(std::numeric_limits<double>::infinity()); },
             "$3\r\ninf\r\n", ",inf\r\n");
  check_both([](reply_writer& w) { w.double_value(-std::numeric_limits<double>::infinity()); },
             "$4\r\n-inf\r\n", ",-inf\r\n");
  check_both([](reply_writer& w) { w.double_value(std::nan("")); }, "$3\r\nnan\r\n", ",nan\r\n");
}

TEST_CASE("line replies cannot break the stream", "[writer]") {
  check_both([](reply_writer& w) { w.error("ERR a\r\nb"); }, "-ERR a  b\r\n", "-ERR a  b\r\n");
  check_both([](reply_writer& w) { w.simple("a\nb"); }, "+a b\r\n", "+a b\r\n");
}

TEST_CASE("replies append and the protocol can change mid-connection", "[writer]") {
  std::string out = "+before\r\n";
  reply_writer writer(out, protocol::resp2);
  writer.map_header(1);
  writer.bulk("k");
  writer.integer(1);
  writer.set_protocol(protocol::resp3);
  CHECK(writer.proto() == protocol::resp3);
  writer.map_header(1);
  CHECK(out == "+before\r\n*2\r\n$1\r\nk\r\n:1\r\n%1\r\n");
}
