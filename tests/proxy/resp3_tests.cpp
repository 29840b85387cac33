// RESP3 through HELLO 3 from a raw client: the types a RESP3 client relies on (map, null,
// integers, arrays) and a watched transaction, checked by structure.

#include <string>

#include <catch2/catch.hpp>

#include "proxy/servers.hpp"
#include "support/resp_client.hpp"

namespace atomkv::proxy_tests {

namespace {

using testing::raw_reply;
using testing::resp_connection;

raw_reply call(resp_connection& c, const std::vector<std::string>& args) {
  auto bytes = c.call(args);
  INFO("reply to " << args[0]);
  REQUIRE(bytes);
  auto r = testing::parse_reply(*bytes);
  REQUIRE(r);
  return *r;
}

std::string map_value(const raw_reply& map, const std::string& key) {
  for (std::size_t i = 0; i + 1 < map.children.size(); i += 2) {
    if (map.children[i].text == key) {
      return map.children[i + 1].text;
    }
  }
  return "<absent>";
}

}  // namespace

TEST_CASE("RESP3 through HELLO 3", "[resp3]") {
  auto srv = start_plain_subject();
  INFO(srv->error());
  REQUIRE(srv->running());
  auto c = resp_connection::connect(srv->host(), srv->port());
  REQUIRE(c);

  auto hello = call(*c, {"HELLO", "3"});
  REQUIRE(hello.type == '%');
  CHECK(map_value(hello, "server") == "redis");
  CHECK(map_value(hello, "proto") == "3");
  CHECK(map_value(hello, "mode") == "standalone");
  CHECK(map_value(hello, "role") == "master");
  CHECK(map_value(hello, "version").substr(0, 2) == "7.");

  CHECK(c->call({"GET", "missing"}) == "_\r\n");
  CHECK(c->call({"SET", "k", "v"}) == "+OK\r\n");
  CHECK(c->call({"GET", "k"}) == "$1\r\nv\r\n");
  CHECK(c->call({"INCR", "n"}) == ":1\r\n");
  CHECK(c->call({"MGET", "k", "{k}missing"}) == "*2\r\n$1\r\nv\r\n_\r\n");  // one slot
  auto config = call(*c, {"CONFIG", "GET", "maxclients"});
  CHECK(config.type == '%');
  CHECK(map_value(config, "maxclients") == "10000");
  CHECK(c->call({"PING"}) == "+PONG\r\n");

  // A watched transaction, then one that a second RESP3 client breaks.
  auto other = resp_connection::connect(srv->host(), srv->port());
  REQUIRE(other);
  CHECK(call(*other, {"HELLO", "3"}).type == '%');
  CHECK(c->call({"WATCH", "n"}) == "+OK\r\n");
  CHECK(c->call({"GET", "n"}) == "$1\r\n1\r\n");
  CHECK(c->call({"MULTI"}) == "+OK\r\n");
  CHECK(c->call({"SET", "n", "2"}) == "+QUEUED\r\n");
  CHECK(c->call({"GET", "n"}) == "+QUEUED\r\n");
  CHECK(c->call({"EXEC"}) == "*2\r\n+OK\r\n$1\r\n2\r\n");
  CHECK(c->call({"WATCH", "n"}) == "+OK\r\n");
  CHECK(other->call({"INCR", "n"}) == ":3\r\n");
  CHECK(c->call({"MULTI"}) == "+OK\r\n");
  CHECK(c->call({"SET", "n", "100"}) == "+QUEUED\r\n");
  auto aborted = call(*c, {"EXEC"});
  CHECK(aborted.is_null);
  CHECK(c->call({"GET", "n"}) == "$1\r\n3\r\n");

  // HELLO 2 goes back to RESP2 on the same connection.
  auto hello2 = call(*c, {"HELLO", "2"});
  CHECK(hello2.type == '*');
  CHECK(c->call({"GET", "missing"}) == "$-1\r\n");
}

}  // namespace atomkv::proxy_tests
