#pragma once
// WATCH / MULTI / EXEC on Redis Cluster, on the event loop: cluster_transaction's rules with
// async_transaction's connection handling. The first WATCH leases a connection of its own from
// the engine of its slot's master (cluster_links) and the transaction stays pinned to it while
// a watch is live or a call is in flight; then it is given back, clean. Every watched key and
// every key the commit writes must be in that slot (CROSSSLOT otherwise, nothing applied).
//
// A WATCH that the cluster refuses before anything is watched follows the slot (MOVED: to its
// new master; ASK, TRYAGAIN, CLUSTERDOWN: again after a backoff, on a timer), at most
// cluster_nodes::kMaxRedirections times and not after command_timeout. Once keys are watched
// the connection stays pinned: a WATCH refused there, or a commit refused there (the slot moved
// or is migrating: MOVED, ASK, TRYAGAIN inside MULTI abort EXEC), ends the watches — the commit
// is then a conflict, nothing applied. A lost connection fails the next commit instead of letting
// it run unwatched. A commit with nothing watched runs as a routed call (cluster_links::apply).
//
// The asynchronous calls run one at a time, in call order: a call made while another is in flight
// starts when that one has completed.
//
// The synchronous forms run on cluster_transaction, a blocking connection of their own; one
// transaction is meant to be used in one style.

#include <memory>
#include <string>

#include "atomkv/backend.hpp"
#include "cluster_links.hpp"
#include "cluster_transaction.hpp"

namespace atomkv::redis {

class cluster_async_transaction final : public backend::transaction {
 public:
  cluster_async_transaction(std::shared_ptr<cluster_links> links,
                            std::shared_ptr<cluster_nodes> nodes, std::string prefix,
                            bool one_slot_bucket);
  ~cluster_async_transaction() override;

  result<std::vector<std::optional<std::string>>> watch(std::span<const std::string_view> keys,
                                                        bool read_values) override;
  result<std::optional<std::vector<op_result>>> commit(std::span<const operation> ops) override;
  result<void> unwatch() override;

  void watch_async(std::span<const std::string_view> keys, bool read_values,
                   backend::watch_done done) override;
  void commit_async(std::span<const operation> ops, backend::commit_done done) override;
  void unwatch_async(backend::unwatch_done done) override;

 private:
  struct pinned;  // shared with the calls in flight, which may outlive the transaction

  // The calls, run one at a time in call order (pinned::run_next).
  static void begin_watch(const std::shared_ptr<pinned>& pin, std::vector<std::string> keys,
                          bool read_values, backend::watch_done done);
  static void begin_commit(const std::shared_ptr<pinned>& pin, std::span<const operation> ops,
                           backend::commit_done done);
  static void begin_unwatch(const std::shared_ptr<pinned>& pin, backend::unwatch_done done);

  std::shared_ptr<pinned> pin_;
  cluster_transaction blocking_;
};

}  // namespace atomkv::redis
