// Redis Cluster's key-to-slot mapping, checked against a real cluster's CLUSTER KEYSLOT.

#include <hiredis/hiredis.h>

#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <string>
#include <vector>

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
