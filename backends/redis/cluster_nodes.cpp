#include "cluster_nodes.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cassert>

#include "slots_call.hpp"

namespace atomkv::redis {
std::uint64_t cluster_nodes::epoch() const {
  std::lock_guard guard(lock_);
  return epoch_;
}

std::shared_ptr<pool> cluster_nodes::pool_in(std::map<std::string, std::shared_ptr<pool>>& pools,
                                             const node_address& node, std::size_t size) {
  std::lock_guard guard(lock_);
  auto& slot = pools[node.text()];
  if (!slot) {
    config settings = base_;
    settings.host = node.host;
    settings.port = node.port;
    settings.db = 0;
    settings.pool_size = size;
    slot = std::make_shared<pool>(std::move(settings));  // connects on first use
  }
  return slot;
}

std::shared_ptr<pool> cluster_nodes::pool_for(const node_address& node) {
  return pool_in(pools_, node, base_.pool_size);
}

std::shared_ptr<pool> cluster_nodes::transaction_pool_for(const node_address& node) {
  return pool_in(transaction_pools_, node, std::max(base_.pool_size, kTransactionConnections));
}

result<std::shared_ptr<const slot_map>> cluster_nodes::map() {
  std::uint64_t seen = 0;
  {
    std::lock_guard guard(lock_);
    if (map_) {
      return map_;
    }
    seen = epoch_;
  }
  BOOST_OUTCOME_TRY(refresh(seen));
  std::lock_guard guard(lock_);
  if (!map_) {
    return failure(error::other("redis cluster: no slot map"));
  }
  return map_;
}

result<std::shared_ptr<const slot_map>> cluster_nodes::ask_for_map(const node_address& node) {
  slots_call call(node);
  BOOST_OUTCOME_TRY(run_on(node, call));
  BOOST_OUTCOME_TRY(parsed, call.finish());
  return std::make_shared<const slot_map>(std::move(parsed));
}

std::vector<node_address> cluster_nodes::candidates() const {
  std::vector<node_address> out;
  {
    std::lock_guard guard(lock_);
    if (map_) {
      out.assign(map_->masters().begin(), map_->masters().end());
    }
  }
  for (const auto& seed : seeds_) {
    if (std::find(out.begin(), out.end(), seed) == out.end()) {
      out.push_back(seed);
    }
  }
  return out;
}

bool cluster_nodes::has_map_since(std::uint64_t seen) const {
  std::lock_guard guard(lock_);
  return map_ && epoch_ != seen;
}

void cluster_nodes::install_if_unchanged(std::shared_ptr<const slot_map> map, std::uint64_t seen) {
  assert(map);
  std::lock_guard guard(lock_);
  if (epoch_ == seen) {
    map_ = std::move(map);
    ++epoch_;
  }
}

result<void> cluster_nodes::refresh(std::uint64_t seen) {
  std::lock_guard one_at_a_time(refreshing_);
  if (has_map_since(seen)) {
    return outcome::success();  // refreshed by someone else meanwhile
  }
  const std::uint64_t started = epoch();
  const std::vector<node_address> candidates = this->candidates();
  // The first complete map wins; a partial one (slots not served during a failover) only when
  // no node knows better.
  std::shared_ptr<const slot_map> best;
  std::optional<error> first_error;
  for (const auto& node : candidates) {
    auto asked = ask_for_map(node);
    if (!asked) {
      if (!first_error) {
        first_error = asked.error();
      }
      continue;
    }
    if (asked.value()->complete()) {
      best = std::move(asked).value();
      break;
    }
    if (!best) {
      best = std::move(asked).value();
    }
  }
  if (!best) {
    return failure(first_error ? *first_error : error::other("redis cluster: no node to ask"));
  }
  // Not over a map the event loop installed meanwhile (map_refresh): that one is as new.
  install_if_unchanged(std::move(best), started);
  return outcome::success();
}

void cluster_nodes::wait_backoff(int attempt, clock::time_point deadline) const {
  auto pause = std::chrono::milliseconds(std::min(10 << std::min(attempt, 4), 200));
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  if (left.count() > 0) {
    std::this_thread::sleep_for(std::min(pause, left));
  }
}

}  // namespace atomkv::redis
