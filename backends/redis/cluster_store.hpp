#pragma once
// redis+cluster://[user:password@]host:port[,host:port...] — a store on a Redis Cluster. The
// hosts are seeds: the slot map comes from CLUSTER SLOTS of the first that answers, and every
// node gets a connection pool of its own when first needed (cluster_nodes.hpp). The options are
// redis://'s; the cluster has database 0 only, as a cluster node refuses SELECT.
//
// Attached to an event loop (the proxy's), calls on the keys of one slot are routed and
// pipelined on that loop (cluster_links.hpp); transactions and operations on the whole bucket
// still run the blocking calls there.

#include <memory>

#include "atomkv/backend.hpp"
#include "atomkv/url.hpp"
#include "cluster_links.hpp"
#include "cluster_nodes.hpp"

namespace atomkv::redis {

class cluster_store final : public backend::store {
 public:
  explicit cluster_store(std::shared_ptr<cluster_nodes> nodes)
      : nodes_(std::move(nodes)), loop_(std::make_shared<cluster_binding>()) {}
  ~cluster_store() override;

  result<std::shared_ptr<backend::bucket>> open(std::string_view identifier) override;
  // Database 0 is the plain keyspace; any other is refused as a cluster node refuses SELECT.
  result<std::shared_ptr<backend::bucket>> open_database(std::size_t n) override;

  result<void> attach_loop(uv_loop_s* loop) override;
  void detach_loop() override;

 private:
  std::shared_ptr<cluster_nodes> nodes_;
  std::shared_ptr<cluster_binding> loop_;
};

// Asks the seeds for the slot map before returning, so that a wrong address fails here.
result<std::shared_ptr<backend::store>> make_cluster_store(const store_url& url);
// Checks the URL only: the first call asks for the slot map.
result<std::shared_ptr<backend::store>> make_cluster_store_unreached(const store_url& url);

}  // namespace atomkv::redis
