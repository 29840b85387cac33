#include "cluster_store.hpp"

#include "cluster_bucket.hpp"

namespace atomkv::redis {
namespace {

result<std::shared_ptr<cluster_nodes>> nodes_from(const store_url& url) {
  if (url.scheme != "redis+cluster") {
    return failure(error::no_such_store("not a redis+cluster URL: " + url.scheme));
  }
  if (url.hosts.empty() || url.hosts.front().host.empty()) {
    return failure(error::no_such_store("redis+cluster:// needs at least one host:port"));
  }
  if (!url.path.empty() && url.path != "/" && url.path != "/0") {
    return failure(error::no_such_store(
        "redis+cluster:// has database 0 only (SELECT is not allowed in cluster mode)"));
  }
  // The options are redis://'s: read them as for the first seed alone.
  store_url one = url;
  one.scheme = "redis";
  one.hosts.resize(1);
  one.path.clear();
  BOOST_OUTCOME_TRY(settings, parse_config(one));
  if (settings.db != 0) {
    return failure(error::no_such_store(
        "redis+cluster:// has database 0 only (SELECT is not allowed in cluster mode)"));
  }
  std::vector<node_address> seeds;
  for (const auto& seed : url.hosts) {
    seeds.push_back({seed.host, seed.port.value_or(6379)});
  }
  return std::make_shared<cluster_nodes>(std::move(settings), std::move(seeds));
}

}  // namespace

result<std::shared_ptr<backend::bucket>> cluster_store::open(std::string_view identifier) {
  std::string prefix(identifier);
  if (!prefix.empty()) {
    prefix.push_back(':');
  }
  return std::shared_ptr<backend::bucket>(std::make_shared<cluster_bucket>(nodes_, prefix, loop_));
}

cluster_store::~cluster_store() {
  detach_loop();
}

result<void> cluster_store::attach_loop(uv_loop_s* loop) {
  if (loop_->links) {
    return failure(error::other("redis cluster: already attached to an event loop"));
  }
  loop_->links = std::make_shared<cluster_links>(loop, nodes_);
  return outcome::success();
}

void cluster_store::detach_loop() {
  if (auto links = std::move(loop_->links)) {
    loop_->links = nullptr;
    links->stop(error::other("redis cluster: detached from the event loop"));
  }
}

result<std::shared_ptr<backend::bucket>> cluster_store::open_database(std::size_t n) {
  if (n != 0) {
    return failure(error::other(std::string(kSelectInCluster)));
  }
  return open("");
}

result<std::shared_ptr<backend::store>> make_cluster_store(const store_url& url) {
  BOOST_OUTCOME_TRY(nodes, nodes_from(url));
  BOOST_OUTCOME_TRY(nodes->map());
  return std::shared_ptr<backend::store>(std::make_shared<cluster_store>(std::move(nodes)));
}

result<std::shared_ptr<backend::store>> make_cluster_store_unreached(const store_url& url) {
  BOOST_OUTCOME_TRY(nodes, nodes_from(url));
  return std::shared_ptr<backend::store>(std::make_shared<cluster_store>(std::move(nodes)));
}

}  // namespace atomkv::redis
