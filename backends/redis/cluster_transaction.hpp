#pragma once
// WATCH / MULTI / EXEC on Redis Cluster: one connection to the master of one slot, held while
// watches are live (as redis_transaction holds its connection). Every watched key and every key
// the commit writes must be in that slot (CROSSSLOT otherwise, nothing applied). A WATCH that the
// cluster redirects before anything is watched follows the slot to its master; once keys are
// watched the connection stays pinned, and a commit that the cluster refuses there (the slot
// moved or is migrating: MOVED, ASK, TRYAGAIN inside MULTI abort EXEC) is a conflict, nothing
// applied. A broken connection fails the next commit instead of letting it run unwatched.

#include <memory>
#include <optional>
#include <string>

#include "atomkv/backend.hpp"
#include "cluster_nodes.hpp"

namespace atomkv::redis {

class cluster_transaction final : public backend::transaction {
 public:
  // `one_slot_bucket`: every key of the bucket is in one slot (its name is a hash tag), so
  // bucket-wide operations inside the transaction see the whole bucket.
  cluster_transaction(std::shared_ptr<cluster_nodes> nodes, std::string prefix,
                      bool one_slot_bucket)
      : nodes_(std::move(nodes)), prefix_(std::move(prefix)), one_slot_bucket_(one_slot_bucket) {}
  ~cluster_transaction() override { (void)unwatch(); }

  result<std::vector<std::optional<std::string>>> watch(std::span<const std::string_view> keys,
                                                        bool read_values) override;
  result<std::optional<std::vector<op_result>>> commit(std::span<const operation> ops) override;
  result<void> unwatch() override;

 private:
  // The connection broke: the pool closes it, and any watch it held is lost.
  void drop_connection();

  std::shared_ptr<cluster_nodes> nodes_;
  std::string prefix_;
  bool one_slot_bucket_;
  std::shared_ptr<pool> pool_;
  pool::lease lease_;  // declared after pool_: given back before the pool can go away
  std::optional<std::uint16_t> slot_;  // the slot of the watched keys
  bool watching_ = false;
  bool watches_lost_ = false;
};

}  // namespace atomkv::redis
