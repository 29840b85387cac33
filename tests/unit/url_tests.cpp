#include <catch2/catch.hpp>

#include "atomkv/store.hpp"
#include "atomkv/url.hpp"

using atomkv::parse_store_url;

TEST_CASE("store URLs parse into their parts", "[url]") {
  auto url = parse_store_url("redis://user:p%40ss@example.org:6380/2?connect_timeout_ms=50&x");
  REQUIRE(url);
  CHECK(url.value().scheme == "redis");
  CHECK(url.value().user == "user");
  CHECK(url.value().password == "p@ss");
  CHECK(url.value().host == "example.org");
  CHECK(url.value().port == 6380);
  CHECK(url.value().path == "/2");
  CHECK(url.value().query.at("connect_timeout_ms") == "50");
  CHECK(url.value().query.at("x") == "");
}

TEST_CASE("store URLs without an authority", "[url]") {
  auto unix_url = parse_store_url("redis+unix:///run/redis.sock?db=3");
  REQUIRE(unix_url);
  CHECK(unix_url.value().scheme == "redis+unix");
  CHECK(unix_url.value().host.empty());
  CHECK(unix_url.value().path == "/run/redis.sock");
  CHECK(unix_url.value().query.at("db") == "3");

  auto memory = parse_store_url("MEMORY://");
  REQUIRE(memory);
  CHECK(memory.value().scheme == "memory");
  CHECK(memory.value().host.empty());

  auto password_only = parse_store_url("redis://:secret@127.0.0.1");
  REQUIRE(password_only);
  CHECK_FALSE(password_only.value().user.has_value());
  CHECK(password_only.value().password == "secret");
  CHECK_FALSE(password_only.value().port.has_value());

  auto v6 = parse_store_url("redis://[::1]:7000");
  REQUIRE(v6);
  CHECK(v6.value().host == "::1");
  CHECK(v6.value().port == 7000);
}

TEST_CASE("a store URL may list several hosts, as Redis Cluster seeds", "[url]") {
  auto seeds = parse_store_url("redis+cluster://:pw@10.0.0.1:7000,10.0.0.2,[::1]:7002/?x=1");
  REQUIRE(seeds);
  const auto& url = seeds.value();
  CHECK(url.scheme == "redis+cluster");
  CHECK(url.password == "pw");
  CHECK(url.host == "10.0.0.1");
  CHECK(url.port == 7000);
  using hp = atomkv::store_url::host_port;
  CHECK(url.hosts ==
        std::vector<hp>{{"10.0.0.1", 7000}, {"10.0.0.2", std::nullopt}, {"::1", 7002}});
  CHECK(url.path == "/");

  auto one = parse_store_url("redis://h:1");
  REQUIRE(one);
  CHECK(one.value().hosts == std::vector<hp>{{"h", 1}});

  CHECK_FALSE(parse_store_url("redis+cluster://a:1,,b:2"));
  CHECK_FALSE(parse_store_url("redis+cluster://,b:2"));
  CHECK_FALSE(parse_store_url("redis+cluster://a:1,"));
  CHECK_FALSE(parse_store_url("redis+cluster://a:1,b:x"));
  // A plain redis:// URL names one server.
  CHECK_FALSE(atomkv::connect("redis://127.0.0.1:1,127.0.0.1:2"));
}

TEST_CASE("malformed store URLs are no-such-store", "[url]") {
  for (const char* bad : {"", "memory", "://x", "redis://h:0", "redis://h:65536", "redis://h:x",
                          "redis://u:%4@h", "redis://[::1"}) {
    INFO(bad);
    auto url = parse_store_url(bad);
    REQUIRE_FALSE(url);
    CHECK(url.error().code == atomkv::error::kind::no_such_store);
  }
}

TEST_CASE("store URLs are shown with their secrets hidden", "[url]") {
  using atomkv::redact_store_url;
  CHECK(redact_store_url("memory://") == "memory://");
  CHECK(redact_store_url("sqlite:///var/lib/a.db") == "sqlite:///var/lib/a.db");
  CHECK(redact_store_url("redis://127.0.0.1:6379/2") == "redis://127.0.0.1:6379/2");
  CHECK(redact_store_url("redis://user:p%40ss@example.org:6380/2") ==
        "redis://user:***@example.org:6380/2");
  CHECK(redact_store_url("redis://:secret@127.0.0.1") == "redis://:***@127.0.0.1");
  CHECK(redact_store_url("redis://onlyuser@127.0.0.1") == "redis://onlyuser@127.0.0.1");
  // An unencoded '@' or '/' in the password, and a malformed URL, hide it all the same.
  CHECK(redact_store_url("redis://u:a@b/c@host:1/0") == "redis://u:***@host:1/0");
  CHECK(redact_store_url("nonsense:x@y") == "nonsense:***@y");
  CHECK(redact_store_url("redis://h?password=s3cret&connect_timeout_ms=50&Auth_Token=t") ==
        "redis://h?password=***&connect_timeout_ms=50&Auth_Token=***");
  CHECK(redact_store_url("redis://u:pw@h?x") == "redis://u:***@h?x");
}
