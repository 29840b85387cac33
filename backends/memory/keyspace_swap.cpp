// SWAPDB on the memory backend: two buckets of one store trade their keys, stripe by stripe.

#include <limits>
#include <thread>

#include "keyspace.hpp"

namespace atomkv::memory {

void keyspace::put_all(stripe& s, std::vector<moving_entry>& taken) {
  for (auto& moved : taken) {
    const std::uint64_t hash = key_hash(moved.key);
    // A tombstone a watch pinned is written over, so that watch sees the key appear.
    entry& target = s.entries.find_or_add(moved.key, hash);
    write(s, target, std::move(moved.value));
    if (moved.deadline != 0) {
      set_deadline(s, target, hash, moved.deadline);
    }
  }
}

// A key's stripe is the same in every bucket (the high bits of its hash), so stripe i of one
// bucket trades with stripe i of the other, the two held together. The `across` lock keeps out
// every other step over two buckets; the other bucket's stripe is taken with try_lock, as
// copy_across takes it, so that SWAPDB a b and SWAPDB b a order no locks against each other.
// No more than two stripes are held at once.
op_result keyspace::swap_databases(const operation& op) {
  auto registry = registry_.lock();
  if (!registry) {
    return op_result::failed("ERR SWAPDB needs its store");
  }
  const std::string name = op.offset == 0 ? std::string() : std::to_string(op.offset);
  auto there = open_in(registry, name, expired_);
  if (there.get() == this) {
    return op_result::ok();
  }
  std::lock_guard across(registry->across);
  lazy_clock now;
  std::vector<moving_entry> from_here;
  std::vector<moving_entry> from_there;
  for (std::size_t i = 0; i < stripe_count; ++i) {
    stripe& mine = stripes_[i];
    stripe& theirs = there->stripes_[i];
    std::lock_guard mine_held(mine.lock);
    std::unique_lock theirs_held(theirs.lock, std::try_to_lock);
    while (!theirs_held.owns_lock()) {
      std::this_thread::yield();
      theirs_held.try_lock();
    }
    // A key past its deadline is reclaimed where it is: Redis's watches see no change from it.
    reclaim_due(mine, now.ms(), std::numeric_limits<std::size_t>::max());
    there->reclaim_due(theirs, now.ms(), std::numeric_limits<std::size_t>::max());
    from_here.clear();
    from_there.clear();
    empty_stripe(mine, &from_here);
    empty_stripe(theirs, &from_there);
    put_all(mine, from_there);
    put_all(theirs, from_here);
  }
  return op_result::ok();
}

}  // namespace atomkv::memory
