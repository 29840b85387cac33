// Store URLs of the Redis backend, and where keys land on the server.

#include "helpers.hpp"
#include "redis/redis_config.hpp"

namespace atomkv::redis_tests {
namespace {

redis::config parsed(const std::string& url) {
  auto parts = parse_store_url(url);
  REQUIRE(parts);
  auto settings = redis::parse_config(parts.value());
  if (!settings) {
    FAIL(url << ": " << settings.error().message);
  }
  return std::move(settings).value();
}

error::kind parse_error(const std::string& url) {
  auto parts = parse_store_url(url);
  REQUIRE(parts);
  auto settings = redis::parse_config(parts.value());
  REQUIRE_FALSE(settings);
  return settings.error().code;
}

}  // namespace

TEST_CASE("redis:// URLs give host, port, credentials, database and options", "[config]") {
  auto plain = parsed("redis://localhost");
  CHECK(plain.host == "localhost");
  CHECK(plain.port == 6379);
  CHECK(plain.db == 0);
  CHECK_FALSE(plain.password);

  auto full = parsed(
      "redis://alice:p%40ss@10.0.0.7:7000/3?connect_timeout_ms=150&command_timeout_ms=250&"
      "pool_size=4&pool_wait_ms=50&probe_after_ms=300");
  CHECK(full.host == "10.0.0.7");
  CHECK(full.port == 7000);
  CHECK(full.user == "alice");
  CHECK(full.password == "p@ss");
  CHECK(full.db == 3);
  CHECK(full.connect_timeout.count() == 150);
  CHECK(full.command_timeout.count() == 250);
  CHECK(full.pool_size == 4);
  CHECK(full.pool_wait.count() == 50);
  CHECK(full.probe_after.count() == 300);
  CHECK(plain.probe_after.count() == 1000);

  auto password_only = parsed("redis://:secret@127.0.0.1:6380");
  CHECK_FALSE(password_only.user);
  CHECK(password_only.password == "secret");
}

TEST_CASE("redis+unix:// URLs give the socket path and query options", "[config]") {
  auto unix_socket = parsed("redis+unix:///run/redis/redis.sock?db=2&password=pw");
  CHECK(unix_socket.unix_path == "/run/redis/redis.sock");
  CHECK(unix_socket.db == 2);
  CHECK(unix_socket.password == "pw");
}

TEST_CASE("bad redis URLs are no-such-store", "[config]") {
  CHECK(parse_error("redis://localhost/notanumber") == error::kind::no_such_store);
  CHECK(parse_error("redis://localhost?pool_size=0") == error::kind::no_such_store);
  CHECK(parse_error("redis://localhost?colour=blue") == error::kind::no_such_store);
  CHECK(parse_error("redis+unix://") == error::kind::no_such_store);
  CHECK(parse_error("redis+unix://host:1/x.sock") == error::kind::no_such_store);
}

TEST_CASE("connect() knows redis and redis+unix", "[config]") {
  auto schemes = supported_schemes();
  CHECK(std::find(schemes.begin(), schemes.end(), "redis") != schemes.end());
  CHECK(std::find(schemes.begin(), schemes.end(), "redis+unix") != schemes.end());
}

TEST_CASE("a refused connection is an error, not a hang", "[config]") {
  // Port 1 on loopback: nothing listens there.
  auto refused = atomkv::connect("redis://127.0.0.1:1?connect_timeout_ms=500");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == error::kind::other);
  CHECK(refused.error().message.find("127.0.0.1:1") != std::string::npos);
}

TEST_CASE("the empty bucket is Redis's plain keyspace, others are prefixed", "[config]") {
  auto& server = shared_server();
  auto store = connect_or_fail(server.url());
  auto plain = open_or_fail(store, "");
  auto named = open_or_fail(store, "inventory");
  auto key = fresh("plain");

  REQUIRE(plain.set(key, "from-library"));
  CHECK(server.cli("GET " + key) == "from-library");
  REQUIRE(named.set(key, "in-bucket"));
  CHECK(server.cli("GET inventory:" + key) == "in-bucket");
  CHECK(server.cli("GET " + key) == "from-library");

  server.cli("SET inventory:" + key + " from-cli");
  CHECK(named.get(key).value() == "from-cli");
}

TEST_CASE("a database number in the URL selects that database", "[config]") {
  auto& server = shared_server();
  auto store = connect_or_fail(server.url() + "/5");
  auto key = fresh("db");
  REQUIRE(open_or_fail(store, "").set(key, "five"));
  CHECK(server.cli("-n 5 GET " + key) == "five");
  CHECK(server.cli("-n 0 EXISTS " + key) == "0");

  auto out_of_range = atomkv::connect(server.url() + "/100000");
  REQUIRE_FALSE(out_of_range);
  CHECK(out_of_range.error().code == error::kind::no_such_store);
}

TEST_CASE("redis+unix connects over the server's Unix socket", "[config]") {
  auto& server = shared_server();
  auto store = connect_or_fail(server.unix_url() + "?db=1");
  auto key = fresh("unix");
  REQUIRE(open_or_fail(store, "").set(key, "over-unix"));
  CHECK(server.cli("-n 1 GET " + key) == "over-unix");
}

TEST_CASE("glob characters in a bucket name match only that bucket", "[config]") {
  auto& server = shared_server();
  auto store = connect_or_fail(server.url());
  auto starred = open_or_fail(store, "s*[x]");
  auto other = open_or_fail(store, "sAx");
  REQUIRE(starred.set("k1", "1"));
  REQUIRE(other.set("k2", "2"));
  auto page = starred.list_keys();
  REQUIRE(page);
  std::vector<std::string> keys = page.value().keys;
  for (auto cursor = page.value().cursor; cursor;) {
    auto next = starred.list_keys(*cursor);
    REQUIRE(next);
    keys.insert(keys.end(), next.value().keys.begin(), next.value().keys.end());
    cursor = next.value().cursor;
  }
  CHECK(keys == std::vector<std::string>{"k1"});

  const operation count = operation::count();
  auto counted = starred.backend().apply(std::span<const operation>(&count, 1));
  REQUIRE(counted);
  CHECK(counted.value().front().integer == 1);
}

}  // namespace atomkv::redis_tests
