#pragma once
// What the tests on a real Redis Cluster share: the cluster itself (3 masters, a replica each),
// a direct client of one node, and moving a slot by hand.

#include <hiredis/hiredis.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "support/redis_cluster.hpp"
#include "support/redis_server.hpp"

namespace atomkv::redis_tests {

using atomkv::testing::redis_cluster;
using atomkv::testing::redis_server;

// One cluster for the tests that do not kill nodes.
inline redis_cluster& shared_cluster() {
  static redis_cluster cluster({.masters = 3, .replicas_per_master = 1});
  REQUIRE(cluster.running());
  return cluster;
}

inline std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

// A direct hiredis connection to one node, as any other cluster client would have.
struct direct_client {
  explicit direct_client(std::uint16_t port) {
    timeval timeout{5, 0};
    context = redisConnectWithTimeout("127.0.0.1", port, timeout);
    REQUIRE(context);
    REQUIRE(context->err == 0);
  }
  ~direct_client() { redisFree(context); }
  // The number of elements of an array reply.
  std::size_t count(const char* format, const std::string& a) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, format, a.data(), a.size()));
    REQUIRE(reply);
    const std::size_t n = reply->type == REDIS_REPLY_ARRAY ? reply->elements : 0;
    freeReplyObject(reply);
    return n;
  }
  std::string run(const char* format, const std::string& a, const std::string& b = {}) {
    auto* reply = static_cast<redisReply*>(
        redisCommand(context, format, a.data(), a.size(), b.data(), b.size()));
    REQUIRE(reply);
    std::string text = reply->str ? std::string(reply->str, reply->len) : std::string();
    freeReplyObject(reply);
    return text;
  }
  redisContext* context;
};

inline std::string node_id(redis_server& node) {
  return trimmed(node.cli("CLUSTER MYID"));
}

inline std::vector<redis_server*> masters_of(redis_cluster& cluster) {
  std::vector<redis_server*> masters;
  for (auto& node : cluster.nodes()) {
    if (cluster.is_master(*node)) {
      masters.push_back(node.get());
    }
  }
  return masters;
}

// Another master than `owner`.
inline redis_server* other_master(redis_cluster& cluster, redis_server* owner) {
  for (auto* master : masters_of(cluster)) {
    if (master != owner) {
      return master;
    }
  }
  return nullptr;
}

// Every master agrees that `slot` is served by `to`.
inline void assign_slot(redis_cluster& cluster, std::uint16_t slot, redis_server& to) {
  const std::string id = node_id(to);
  for (auto* master : masters_of(cluster)) {
    CHECK(trimmed(master->cli("CLUSTER SETSLOT " + std::to_string(slot) + " NODE " + id)) == "OK");
  }
}

// A slot moved by hand, key by key, as `redis-cli --cluster reshard` moves it: made IMPORTING on
// another master and MIGRATING on its owner at construction; move() migrates one key; finish()
// gives the slot to the other master on every master and waits for the cluster to agree.
struct slot_migration {
  slot_migration(redis_cluster& of, std::uint16_t moving)
      : cluster(of), slot(moving), number(std::to_string(moving)) {
    from = cluster.master_of(slot);
    REQUIRE(from);
    to = other_master(cluster, from);
    REQUIRE(to);
    REQUIRE(trimmed(to->cli("CLUSTER SETSLOT " + number + " IMPORTING " + node_id(*from))) == "OK");
    REQUIRE(trimmed(from->cli("CLUSTER SETSLOT " + number + " MIGRATING " + node_id(*to))) == "OK");
  }
  void move(const std::string& key) {
    REQUIRE(trimmed(from->cli("MIGRATE 127.0.0.1 " + std::to_string(to->port()) + " " + key +
                              " 0 5000")) == "OK");
  }
  void finish() {
    assign_slot(cluster, slot, *to);
    REQUIRE(cluster.wait_ok());
  }

  redis_cluster& cluster;
  const std::uint16_t slot;
  const std::string number;  // the slot, as commands and redirections write it
  redis_server* from = nullptr;
  redis_server* to = nullptr;
};

}  // namespace atomkv::redis_tests
