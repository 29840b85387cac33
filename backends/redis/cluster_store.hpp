#pragma once
// redis+cluster://[user:password@]host:port[,host:port...] — a store on a Redis Cluster. The
// hosts are seeds: the slot map comes from CLUSTER SLOTS of the first that answers, and every
// node gets a connection pool of its own when first needed (cluster_nodes.hpp). The options are
// redis://'s; the cluster has database 0 only, as a cluster node refuses SELECT.
//
// The asynchronous forms are the defaults (they run the blocking calls): the proxy's path on an
// event loop is not built for clusters yet.

#include <memory>

#include "atomkv/backend.hpp"
#include "atomkv/url.hpp"
#include "cluster_nodes.hpp"

namespace atomkv::redis {

class cluster_store final : public backend::store {
 public:
  explicit cluster_store(std::shared_ptr<cluster_nodes> nodes) : nodes_(std::move(nodes)) {}

  result<std::shared_ptr<backend::bucket>> open(std::string_view identifier) override;
  // Database 0 is the plain keyspace; any other is refused as a cluster node refuses SELECT.
  result<std::shared_ptr<backend::bucket>> open_database(std::size_t n) override;

 private:
  std::shared_ptr<cluster_nodes> nodes_;
};

// Asks the seeds for the slot map before returning, so that a wrong address fails here.
result<std::shared_ptr<backend::store>> make_cluster_store(const store_url& url);
// Checks the URL only: the first call asks for the slot map.
result<std::shared_ptr<backend::store>> make_cluster_store_unreached(const store_url& url);

}  // namespace atomkv::redis
