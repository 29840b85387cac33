#pragma once
// The nodes of a Redis Cluster as the blocking store sees them: the slot map (from CLUSTER SLOTS,
// asked of the known masters, then of the seeds), one connection pool per node made on demand,
// and `run`, which sends a call to the master of its slot and follows what the cluster answers
// (cluster_routing.hpp): MOVED refreshes the map and goes to the new owner, ASK sends ASKING and
// the call to the target once, TRYAGAIN and CLUSTERDOWN wait a backoff. At most
// kMaxRedirections redirections, and no new attempt after command_timeout. A call whose
// connection fails after it was written is never sent again: its error says the outcome is
// unknown (connection.hpp).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/result.hpp"
#include "cluster_routing.hpp"
#include "cluster_topology.hpp"
#include "pool.hpp"
#include "redis_config.hpp"

namespace atomkv::redis {

class cluster_nodes {
 public:
  static constexpr int kMaxRedirections = 5;

  // `base`: the options every node's pool uses (host and port replaced by the node's).
  cluster_nodes(config base, std::vector<node_address> seeds)
      : base_(std::move(base)), seeds_(std::move(seeds)) {}

  const config& settings() const { return base_; }

  // The current slot map, asked for if none is known yet.
  result<std::shared_ptr<const slot_map>> map();
  // Asks the cluster again, unless someone else did since `seen` (the epoch read with the map).
  result<void> refresh(std::uint64_t seen);
  std::uint64_t epoch() const;
  // Whom to ask for the map, in order: the masters of the current map, then the seeds.
  std::vector<node_address> candidates() const;
  // Whether a map is known that was installed after `seen`.
  bool has_map_since(std::uint64_t seen) const;
  // A map asked for becomes the current one, unless another was installed since `seen` (asked
  // for at the same time, by the blocking calls or on the event loop: it is as new).
  void install_if_unchanged(std::shared_ptr<const slot_map> map, std::uint64_t seen);

  std::shared_ptr<pool> pool_for(const node_address& node);
  // The connections that WATCH/MULTI/EXEC hold (cluster_transaction) come from a pool of their
  // own per node, so that transactions holding theirs never leave plain calls waiting for one of
  // pool_size (on the proxy's loop that wait would stall every client until pool_wait).
  std::shared_ptr<pool> transaction_pool_for(const node_address& node);
  static constexpr std::size_t kTransactionConnections = 1024;  // per node

  // Sends `make()`'s call to the master of `slot` and follows redirections; the call that
  // answered is returned, to be finished by the caller.
  template <class Make>
  auto run(std::uint16_t slot, Make make) -> result<decltype(make())>;

  // Sends the call to `node` as it is: no redirection is followed (for calls that every
  // master answers for itself: counts, listings).
  template <class Call>
  result<void> run_on(const node_address& node, Call& call);

 private:
  using clock = std::chrono::steady_clock;
  result<std::shared_ptr<const slot_map>> ask_for_map(const node_address& node);
  std::shared_ptr<pool> pool_in(std::map<std::string, std::shared_ptr<pool>>& pools,
                                const node_address& node, std::size_t size);
  void wait_backoff(int attempt, clock::time_point deadline) const;

  const config base_;
  const std::vector<node_address> seeds_;
  mutable std::mutex lock_;  // map_, epoch_, pools_, transaction_pools_
  std::shared_ptr<const slot_map> map_;
  std::uint64_t epoch_ = 0;
  std::map<std::string, std::shared_ptr<pool>> pools_;  // by host:port
  std::map<std::string, std::shared_ptr<pool>> transaction_pools_;
  std::mutex refreshing_;  // one refresh at a time
};

template <class Call>
result<void> cluster_nodes::run_on(const node_address& node, Call& call) {
  BOOST_OUTCOME_TRY(conn, pool_for(node)->acquire());
  return conn->exchange(call.command(), call);
}

template <class Make>
auto cluster_nodes::run(std::uint16_t slot, Make make) -> result<decltype(make())> {
  const auto deadline = clock::now() + base_.command_timeout;
  std::optional<node_address> target;  // where the last redirection pointed
  bool asking = false;
  int redirections = 0;
  std::string last = "no attempt";
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0 && clock::now() >= deadline) {
      return failure(error::other("redis cluster: slot " + std::to_string(slot) + ": " + last +
                                  " (gave up after " + std::to_string(attempt) +
                                  " attempts; nothing applied)"));
    }
    const std::uint64_t seen = epoch();
    node_address node;
    if (target) {
      node = *target;
    } else {
      BOOST_OUTCOME_TRY(current, map());
      const node_address* master = current->master_of(slot);
      if (master == nullptr) {
        last = "CLUSTERDOWN Hash slot not served";
        (void)refresh(seen);
        wait_backoff(attempt, deadline);
        continue;
      }
      node = *master;
    }
    auto lease = pool_for(node)->acquire();
    if (!lease) {
      // Nothing was sent: a dead master (failover under way) or a stale map.
      last = lease.error().message;
      target.reset();
      asking = false;
      (void)refresh(seen);
      wait_backoff(attempt, deadline);
      continue;
    }
    auto call = make();
    redirect_sink sink(call, asking ? 1 : 0);
    if (asking) {
      request with_asking;
      with_asking.add({"ASKING"});
      with_asking.append(call.command());
      BOOST_OUTCOME_TRY(lease.value()->exchange(with_asking, sink));
    } else {
      BOOST_OUTCOME_TRY(lease.value()->exchange(call.command(), sink));
    }
    retry_decision next = sink.decide();
    target.reset();
    asking = false;
    switch (next.what) {
      case retry_decision::kind::done:
        return call;
      case retry_decision::kind::moved:
      case retry_decision::kind::ask:
        last = next.line;
        if (++redirections > kMaxRedirections) {
          return failure(error::other("redis cluster: slot " + std::to_string(slot) + ": " + last +
                                      " (too many redirections; nothing applied)"));
        }
        if (next.what == retry_decision::kind::moved) {
          (void)refresh(seen);
        }
        asking = next.what == retry_decision::kind::ask;
        target = std::move(next.to);
        break;
      case retry_decision::kind::try_again:
        last = next.line;
        if (next.line.starts_with("CLUSTERDOWN")) {
          (void)refresh(seen);
        }
        wait_backoff(attempt, deadline);
        break;
    }
  }
}

}  // namespace atomkv::redis
