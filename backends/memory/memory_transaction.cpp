#include "memory_transaction.hpp"

namespace atomkv::memory {

result<std::vector<std::optional<std::string>>> memory_transaction::watch(
    std::span<const std::string_view> keys, bool read_values) {
  std::vector<std::optional<std::string>> values;
  values.reserve(read_values ? keys.size() : 0);
  lazy_clock now;
  for (std::string_view key : keys) {
    const std::uint64_t hash = key_hash(key);
    auto& s = space_->stripe_at(hash);
    std::lock_guard guard(s.lock);
    // A key already past its deadline is reclaimed before the watch, so that the watch sees it
    // missing and its reclaiming is no change (Redis's watched key `expired` flag).
    space_->find_live(s, key, hash, now);
    keyspace::entry* found = s.entries.find(key, hash);
    if (found == nullptr) {
      // A missing key gets a pinned tombstone, so that create-then-delete moves its version.
      found = &s.entries.find_or_add(key, hash);
      found->version = ++s.clock;
    }
    keyspace::entry& e = *found;
    if (watched_names_.emplace(key).second) {
      if (!e.present) {
        ++e.pins;
      }
      watches_.push_back({std::string(key), e.version, e.present});
    }
    if (read_values) {
      values.push_back(e.present ? std::optional<std::string>(e.value) : std::nullopt);
    }
  }
  return values;
}

bool memory_transaction::unchanged() const {
  for (const auto& w : watches_) {
    const std::uint64_t hash = key_hash(w.key);
    const keyspace::entry* e = space_->stripe_at(hash).entries.find(w.key, hash);
    if (e == nullptr || e->version != w.version || e->present != w.present) {
      return false;
    }
  }
  return true;
}

result<std::optional<std::vector<op_result>>> memory_transaction::commit(
    std::span<const operation> ops) {
  keyspace::stripe_set held;
  for (const auto& w : watches_) {
    held.set(keyspace::stripe_of(w.key));
  }
  space_->add_stripes(ops, held);
  auto across = space_->hold_across(ops);
  space_->lock(held);
  lazy_clock now;
  // A watched key that reached its deadline since it was watched is reclaimed now, which moves
  // its version: EXEC fails, as Redis's isWatchedKeyExpired makes it.
  for (const auto& w : watches_) {
    const std::uint64_t hash = key_hash(w.key);
    space_->find_live(space_->stripe_at(hash), w.key, hash, now);
  }
  std::optional<std::vector<op_result>> results;
  if (unchanged()) {
    results.emplace();
    results->reserve(ops.size());
    for (const auto& op : ops) {
      results->push_back(space_->execute(op, now));
    }
  }
  release_held();
  space_->unlock(held);
  return results;
}

void memory_transaction::release_held() {
  for (const auto& w : watches_) {
    if (!w.present) {
      keyspace::unpin(space_->stripe_for(w.key), w.key);
    }
  }
  watches_.clear();
  watched_names_.clear();
}

void memory_transaction::release() {
  for (const auto& w : watches_) {
    if (!w.present) {
      auto& s = space_->stripe_for(w.key);
      std::lock_guard guard(s.lock);
      keyspace::unpin(s, w.key);
    }
  }
  watches_.clear();
  watched_names_.clear();
}

}  // namespace atomkv::memory
