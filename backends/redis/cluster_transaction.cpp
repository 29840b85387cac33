#include "cluster_transaction.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "commands.hpp"

namespace atomkv::redis {

void cluster_transaction::drop_connection() {
  watches_lost_ = watches_lost_ || watching_;
  watching_ = false;
  slot_.reset();
  lease_.release();  // broken: the pool closes it
}

result<std::vector<std::optional<std::string>>> cluster_transaction::watch(
    std::span<const std::string_view> keys, bool read_values) {
  if (keys.empty()) {
    return std::vector<std::optional<std::string>>();
  }
  BOOST_OUTCOME_TRY(common, common_slot(prefix_, keys));
  const std::uint16_t slot = *common;
  if (watching_ && slot_ && *slot_ != slot) {
    return failure(error::other(std::string(kCrossSlot)));
  }
  const auto deadline = std::chrono::steady_clock::now() + nodes_->settings().command_timeout;
  for (int attempt = 0;; ++attempt) {
    const std::uint64_t seen = nodes_->epoch();
    if (!lease_) {
      BOOST_OUTCOME_TRY(map, nodes_->map());
      const node_address* master = map->master_of(slot);
      if (master == nullptr) {
        (void)nodes_->refresh(seen);
        return failure(error::other("CLUSTERDOWN Hash slot not served"));
      }
      pool_ = nodes_->transaction_pool_for(*master);
      BOOST_OUTCOME_TRY(leased, pool_->acquire());
      lease_ = std::move(leased);
    }
    watch_call call(prefix_, keys, read_values);
    redirect_sink sink(call, 0);
    const bool had_watches = watching_;
    watching_ = true;  // a broken exchange may have set some of them
    auto sent = lease_->exchange(call.command(), sink);
    if (!sent) {
      drop_connection();
      return failure(std::move(sent).error());
    }
    const retry_decision next = sink.decide();
    if (next.what == retry_decision::kind::done) {
      slot_ = slot;
      return call.finish();
    }
    // This WATCH was refused: the slot is served elsewhere, or moving.
    watching_ = had_watches;
    if (had_watches) {
      // The keys watched before are watched on a node that no longer owns them.
      (void)unwatch();
      watches_lost_ = true;
      return failure(error::other("redis cluster: slot " + std::to_string(slot) +
                                  " moved under watched keys: " + next.line));
    }
    lease_.release();
    if (attempt >= cluster_nodes::kMaxRedirections ||
        std::chrono::steady_clock::now() >= deadline) {
      return failure(error::other("redis cluster: slot " + std::to_string(slot) + ": " + next.line +
                                  " (nothing watched)"));
    }
    if (next.what == retry_decision::kind::moved) {
      (void)nodes_->refresh(seen);
    } else {
      // ASK or TRYAGAIN: a key of the slot is being migrated; watch once the move is done.
      std::this_thread::sleep_for(std::chrono::milliseconds(10 << std::min(attempt, 4)));
    }
  }
}

result<std::optional<std::vector<op_result>>> cluster_transaction::commit(
    std::span<const operation> ops) {
  if (watches_lost_) {
    // A new connection would run MULTI/EXEC without the watches: an unconditional write.
    watches_lost_ = false;
    return failure(error::other("connection lost: watches released, nothing applied"));
  }
  if (!one_slot_bucket_ && std::any_of(ops.begin(), ops.end(), spans_bucket)) {
    (void)unwatch();
    return failure(error::other(
        "redis cluster: a transaction holds keys of one slot, not operations on the whole "
        "bucket"));
  }
  auto common = one_slot_bucket_ ? result<std::optional<std::uint16_t>>(bucket_slot(prefix_))
                                 : common_slot(prefix_, ops);
  if (!common || (watching_ && common.value() && *common.value() != *slot_)) {
    (void)unwatch();
    return failure(error::other(std::string(kCrossSlot)));
  }
  if (!watching_) {
    lease_.release();
    if (!common.value()) {
      return std::optional<std::vector<op_result>>(std::vector<op_result>());
    }
    // Nothing watched: MULTI/EXEC wherever the slot is now, redirections followed.
    BOOST_OUTCOME_TRY(call, nodes_->run(*common.value(),
                                        [&] { return apply_call::for_commit(prefix_, 0, ops); }));
    return call.finish();
  }
  auto call = apply_call::for_commit(prefix_, 0, ops);
  redirect_sink sink(call, 0);
  auto sent = lease_->exchange(call.command(), sink);
  if (!sent) {
    drop_connection();
    watches_lost_ = false;  // this commit reports it
    return failure(std::move(sent).error());
  }
  watching_ = false;  // EXEC, even a refused one, drops every watch of the connection
  slot_.reset();
  if (sink.decide().what != retry_decision::kind::done) {
    // The slot moved or is migrating: EXEC did not run. The next watch finds its new master.
    lease_.release();
    (void)nodes_->refresh(nodes_->epoch());
    return std::optional<std::vector<op_result>>();
  }
  auto committed = call.finish();
  if (!committed || committed.value().has_value()) {
    lease_.release();
  }
  return committed;
}

result<void> cluster_transaction::unwatch() {
  watches_lost_ = false;
  slot_.reset();
  if (!lease_) {
    watching_ = false;
    return outcome::success();
  }
  if (watching_) {
    unwatch_call call;
    auto sent = lease_->exchange(call.command(), call);
    if (!sent) {
      watching_ = false;
      lease_.release();
      return sent;
    }
    watching_ = false;
    BOOST_OUTCOME_TRY(call.finish());
  }
  lease_.release();
  return outcome::success();
}

}  // namespace atomkv::redis
