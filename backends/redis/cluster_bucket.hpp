#pragma once
// A bucket on Redis Cluster: keys as on one server ("" the plain keyspace, otherwise
// "identifier:key", so that a {hash tag} in the key still picks the slot), each call sent to
// the master of its keys' slot (cluster_nodes::run). An atomic apply over keys of several slots
// is refused with CROSSSLOT, nothing applied; the batch form splits per slot. Operations on the
// whole bucket (clear, count, list, the expiry counts) run on every master and their answers are
// combined: atomic on each master, not across them. Listings carry the master in their cursor
// (cluster_routing.hpp). On an event loop, calls on one slot are routed asynchronously
// (cluster_links.hpp). A bucket whose name is a {hash tag} lives on one slot: everything on it,
// bucket-wide operations and listings included, runs on that slot's master, atomically.

#include <memory>
#include <string>

#include "atomkv/backend.hpp"
#include "cluster_links.hpp"
#include "cluster_nodes.hpp"

namespace atomkv::redis {

class cluster_bucket final : public backend::bucket {
 public:
  cluster_bucket(std::shared_ptr<cluster_nodes> nodes, std::string prefix,
                 std::shared_ptr<cluster_binding> loop)
      : nodes_(std::move(nodes)),
        prefix_(std::move(prefix)),
        own_slot_(bucket_slot(prefix_)),
        loop_(std::move(loop)) {}

  result<std::vector<op_result>> apply(std::span<const operation> ops) override;
  result<std::vector<op_result>> apply_batch(std::span<const operation> ops) override;
  result<std::unique_ptr<backend::transaction>> begin() override;
  result<backend::key_page> list_keys(std::optional<std::string_view> cursor,
                                      const backend::list_options& options) override;
  result<std::int64_t> increment(std::string_view key, std::int64_t delta) override;

  // Once the store is attached to an event loop, operations on the keys of one slot go through
  // its links (cluster_links.hpp), pipelined; the rest runs the blocking form in lane order.
  void apply_async(std::span<const operation> ops, std::uint64_t lane,
                   backend::apply_done done) override;
  bool completes_inline() const override { return loop_->links == nullptr; }

 private:
  // The one slot whose master applies `ops` by itself (slot 0 when they name no key, as MSETNX of
  // no pair); none when they span the bucket; CROSSSLOT when they name keys of several slots.
  result<std::optional<std::uint16_t>> single_slot(std::span<const operation> ops) const;

  // Every operation on the master of `slot`.
  result<std::vector<op_result>> apply_on_slot(std::uint16_t slot, std::span<const operation> ops);
  // Bucket-wide operations on every master, the keyed ones (of one slot) on theirs, asked
  // first. `not_applied`: the failure came from that first master's redirection, before any
  // master ran anything, so the whole step may be sent again.
  result<std::vector<op_result>> apply_everywhere(std::optional<std::uint16_t> slot,
                                                  std::span<const operation> ops,
                                                  bool* not_applied);
  // One page of a listing from `cursor` ("" or nothing: the start): `page(master, node_cursor)`
  // lists one page of one master; an exhausted master moves on to the next.
  template <class Page>
  result<std::pair<std::vector<std::string>, std::optional<std::string>>> list_page(
      std::optional<std::string_view> cursor, Page page);

  std::shared_ptr<cluster_nodes> nodes_;
  std::string prefix_;
  std::optional<std::uint16_t> own_slot_;  // the bucket's one slot, when its name is a hash tag
  std::shared_ptr<cluster_binding> loop_;
};

}  // namespace atomkv::redis
