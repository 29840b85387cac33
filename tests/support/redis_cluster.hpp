#pragma once
// A real Redis Cluster for tests and benchmarks: `masters * (1 + replicas)` redis-server nodes
// (redis_server with cluster_node) on free loopback ports, joined with
// `redis-cli --cluster create ... --cluster-replicas R --cluster-yes`, ready once every node
// reports cluster_state:ok and agrees that every slot is served. The destructor stops every node.
// As with redis_server, construct it on a thread that outlives it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/redis_server.hpp"

namespace atomkv::testing {

struct redis_cluster_options {
  int masters = 3;
  int replicas_per_master = 1;
  int node_timeout_ms = 2000;
  std::optional<std::string> requirepass;
};

class redis_cluster {
 public:
  explicit redis_cluster(redis_cluster_options options = {});
  ~redis_cluster() = default;
  redis_cluster(const redis_cluster&) = delete;
  redis_cluster& operator=(const redis_cluster&) = delete;

  // Whether the cluster formed and reached cluster_state:ok (the reason is in error()).
  bool running() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  std::vector<std::unique_ptr<redis_server>>& nodes() { return nodes_; }
  redis_server& node(std::size_t i) { return *nodes_.at(i); }

  // redis+cluster://[:password@]127.0.0.1:p1,127.0.0.1:p2,... with `seeds` of the nodes.
  std::string url(std::size_t seeds = 3) const;

  // The node that is master of `slot` now, as the first node that answers CLUSTER SHARDS says
  // (nullptr when none is known).
  redis_server* master_of(std::uint16_t slot);
  // Whether `node` is a master now (ROLE).
  bool is_master(redis_server& node) const;
  // A running master other than `than` (nullptr when there is none).
  redis_server* other_master(const redis_server* than);
  // The node's cluster id (CLUSTER MYID), and how many slots it serves by its own CLUSTER NODES.
  static std::string node_id(const redis_server& node);
  static int slots_served(const redis_server& node);

  // Waits until every running node reports cluster_state:ok and all slots are assigned.
  bool wait_ok(int timeout_ms = 30000);

  // Runs redis-cli in cluster mode (-c) against the first running node.
  std::string cli(const std::string& args) const;

 private:
  redis_cluster_options options_;
  std::vector<std::unique_ptr<redis_server>> nodes_;
  std::string error_;
};

}  // namespace atomkv::testing
