// Redis Cluster's key-to-slot mapping, checked against a real cluster's CLUSTER KEYSLOT.

#include <hiredis/hiredis.h>

#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "redis/cluster_topology.hpp"
#include "redis/hash_slot.hpp"
#include "support/redis_cluster.hpp"

using atomkv::redis::crc16_xmodem;
using atomkv::redis::hash_slot;
using atomkv::redis::hashed_part;

TEST_CASE("CRC16 is XMODEM's", "[cluster-slots]") {
  CHECK(crc16_xmodem("123456789") == 0x31C3);  // the check value of CRC-16/XMODEM
  CHECK(crc16_xmodem("") == 0);
}

TEST_CASE("the hash tag is the first non-empty {...}", "[cluster-slots]") {
  CHECK(hashed_part("plain") == "plain");
  CHECK(hashed_part("{user1}.name") == "user1");
  CHECK(hashed_part("x{user1}y{other}") == "user1");
  CHECK(hashed_part("{}user") == "{}user");        // empty tag: the whole key
  CHECK(hashed_part("{}{user}") == "{}{user}");    // only the first '{' counts
  CHECK(hashed_part("open{only") == "open{only");  // no closing brace
  CHECK(hashed_part("{{a}}") == "{a");             // up to the first '}' after the first '{'
  CHECK(hash_slot("{user1}.name") == hash_slot("{user1}.age"));
}

TEST_CASE("hash_slot agrees with a real cluster's CLUSTER KEYSLOT", "[cluster-slots]") {
  atomkv::testing::redis_cluster cluster({.masters = 3, .replicas_per_master = 0});
  REQUIRE(cluster.running());
  timeval timeout{5, 0};
  std::unique_ptr<redisContext, void (*)(redisContext*)> context(
      redisConnectWithTimeout("127.0.0.1", cluster.node(0).port(), timeout), &redisFree);
  REQUIRE(context);
  REQUIRE(context->err == 0);

  std::vector<std::string> keys = {"",        "a",    "foo",     "{user1}.name", "{}x",
                                   "{{a}}",   "x{}y", "{a}{b}",  "open{only",    "}{",
                                   "{user1}", "1",    "counter", "k:12345",      "{x}"};
  std::mt19937 random(7);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
  for (int i = 0; i < 2000; ++i) {
    std::string key(static_cast<std::size_t>(length(random)), '\0');
    for (auto& c : key) {
      c = static_cast<char>(byte(random));
    }
    if (i % 4 == 0 && key.size() > 4) {
      key[1] = '{';  // keys with a tag
      key[3] = '}';
    }
    keys.push_back(std::move(key));
  }
  for (const auto& key : keys) {
    std::unique_ptr<redisReply, void (*)(void*)> reply(
        static_cast<redisReply*>(
            redisCommand(context.get(), "CLUSTER KEYSLOT %b", key.data(), key.size())),
        &freeReplyObject);
    REQUIRE(reply);
    REQUIRE(reply->type == REDIS_REPLY_INTEGER);
    INFO("key of " << key.size() << " bytes");
    CHECK(hash_slot(key) == reply->integer);
  }

  // The harness knows who serves a slot.
  CHECK(cluster.master_of(hash_slot("foo")) != nullptr);
  CHECK(cluster.cli("SET {t}a 1") == "OK");
  CHECK(cluster.cli("GET {t}a") == "1");
}

TEST_CASE("MOVED and ASK redirections parse; other errors are not redirections",
          "[cluster-slots]") {
  using atomkv::redis::parse_redirect;
  using atomkv::redis::redirect;
  auto moved = parse_redirect("MOVED 3999 127.0.0.1:6381");
  REQUIRE(moved);
  CHECK(moved->what == redirect::kind::moved);
  CHECK(moved->slot == 3999);
  CHECK(moved->to == atomkv::redis::node_address{"127.0.0.1", 6381});
  auto ask = parse_redirect("ASK 0 [::1]:7000");
  REQUIRE(ask);
  CHECK(ask->what == redirect::kind::ask);
  CHECK(ask->to.host == "::1");
  CHECK(ask->to.text() == "[::1]:7000");
  for (std::string_view other : {"ERR unknown command", "MOVED", "MOVED 16384 h:1", "MOVED 1 h",
                                 "MOVED 1 h:0", "MOVED x h:1", "TRYAGAIN Multiple keys request"}) {
    CHECK_FALSE(parse_redirect(other));
  }
}

TEST_CASE("the slot map from CLUSTER SLOTS names each slot's master, as a node redirects",
          "[cluster-slots]") {
  atomkv::testing::redis_cluster cluster({.masters = 3, .replicas_per_master = 1});
  REQUIRE(cluster.running());
  const atomkv::redis::node_address asked{"127.0.0.1", cluster.node(0).port()};
  timeval timeout{5, 0};
  std::unique_ptr<redisContext, void (*)(redisContext*)> context(
      redisConnectWithTimeout("127.0.0.1", asked.port, timeout), &redisFree);
  REQUIRE(context);
  std::unique_ptr<redisReply, void (*)(void*)> slots(
      static_cast<redisReply*>(redisCommand(context.get(), "CLUSTER SLOTS")), &freeReplyObject);
  REQUIRE(slots);
  auto map = atomkv::redis::slot_map::from_cluster_slots(*slots, asked);
  REQUIRE(map);
  CHECK(map.value().complete());
  CHECK(map.value().masters().size() == 3);
  for (const char* key : {"a", "b", "c", "{user}1", "counter", "zz"}) {
    const auto slot = hash_slot(key);
    const auto* master = map.value().master_of(slot);
    REQUIRE(master);
    auto* node = cluster.master_of(slot);
    REQUIRE(node);
    CHECK(master->port == node->port());
    // Asked anywhere else, a node redirects to that master.
    for (auto& other : cluster.nodes()) {
      if (other->port() == master->port || !cluster.is_master(*other)) {
        continue;
      }
      std::unique_ptr<redisContext, void (*)(redisContext*)> elsewhere(
          redisConnectWithTimeout("127.0.0.1", other->port(), timeout), &redisFree);
      REQUIRE(elsewhere);
      std::unique_ptr<redisReply, void (*)(void*)> reply(
          static_cast<redisReply*>(redisCommand(elsewhere.get(), "GET %s", key)), &freeReplyObject);
      REQUIRE(reply);
      REQUIRE(reply->type == REDIS_REPLY_ERROR);
      auto moved = atomkv::redis::parse_redirect(std::string_view(reply->str, reply->len));
      REQUIRE(moved);
      CHECK(moved->slot == slot);
      CHECK(moved->to == *master);
    }
  }
}
