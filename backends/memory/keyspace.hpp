#pragma once
// One bucket of the memory backend: a hash table split into stripes by the high bits of the key
// hash, each with its own lock, so that unrelated keys never wait on each other.
//
// Listing (SCAN) walks the stripes in order and each stripe's table with its resumable cursor
// (key_table.hpp): a page costs about the keys it lists, whatever the size of the keyspace.
//
// Versions: every write stamps the entry with the next value of its stripe's clock, so a watch
// that remembered (present, version) sees any later write, a rewrite of the same bytes and a
// delete-then-recreate alike. A watch of a missing key pins a tombstone entry, so that a key
// created and deleted again before commit still shows a newer version (no ABA).
//
// Expiry: an entry may carry a deadline (absolute Unix ms), kept in its stripe's expiry_index,
// earliest first. Every operation reads the clock once (a batch once for all its operations) and
// treats a key whose deadline is at or before that time as missing; the first operation that
// touches such a key reclaims it (lazy expiry). Whole-bucket operations (count, listing, the
// expiry counts) first reclaim every due key of the stripes they read, so their answers agree
// with each other. Keys nobody touches are reclaimed by the store's active_expiry thread through
// expire_due, one stripe lock at a time. A key reclaimed by expiry is a delete like any other
// (its version moves, so a watch of it fails) and counts in the store's expired total.

#include <atomic>
#include <bitset>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "atomkv/backend.hpp"
#include "expiry_index.hpp"
#include "key_hash.hpp"
#include "key_table.hpp"
#include "lazy_clock.hpp"

namespace atomkv::memory {

class keyspace;

// The buckets of one memory store, by name, as COPY ... DB finds another database's bucket.
struct keyspace_registry {
  std::mutex lock;  // held only to find or add a bucket
  std::unordered_map<std::string, std::shared_ptr<keyspace>> buckets;
  // Held by a batch with a step over two buckets (COPY ... DB) before it takes any stripe: such a
  // batch waits for a stripe of the other bucket while it holds its own, and two of them could
  // otherwise wait for each other. Other batches never wait across buckets.
  std::mutex across;
};

class keyspace final : public backend::bucket, public std::enable_shared_from_this<keyspace> {
 public:
  // 64 stripes: enough that unrelated keys rarely share a lock on the machines atomkv targets,
  // few enough that whole-bucket operations (FLUSHDB, DBSIZE) can hold them all, and within
  // ThreadSanitizer's limit of 64 locks held at once, so lock-order checking stays on.
  static constexpr unsigned stripe_bits = 6;
  static constexpr std::size_t stripe_count = std::size_t{1} << stripe_bits;

  struct entry {
    std::string value;
    std::uint64_t version = 0;               // the stripe clock at the last write
    std::int64_t deadline = 0;               // Unix ms; 0: none (set through expiry_index)
    std::uint32_t pins = 0;                  // transactions that watched it while it was missing
    std::uint32_t index_slot = not_indexed;  // its place in the stripe's expiry_index
    bool present = false;                    // false: a tombstone kept only for its pins
  };

  struct alignas(64) stripe {
    std::mutex lock;
    key_table<entry> entries;
    expiry_index<entry> deadlines;  // the present entries that have a deadline
    std::uint64_t clock = 0;
    std::size_t present = 0;  // entries with a value, for DBSIZE
  };

  // Keys removed by expiry, counted for the whole store (INFO stats expired_keys).
  using expired_counter = std::atomic<std::uint64_t>;

  explicit keyspace(std::shared_ptr<expired_counter> expired = std::make_shared<expired_counter>(0),
                    std::weak_ptr<keyspace_registry> registry = {})
      : expired_(std::move(expired)), registry_(std::move(registry)) {}

  // The bucket named `name` of the same store (made if new), as memory_store::open makes it.
  static std::shared_ptr<keyspace> open_in(const std::shared_ptr<keyspace_registry>& registry,
                                           std::string_view name,
                                           const std::shared_ptr<expired_counter>& expired);
  // For a batch of `ops`: holds the registry's `across` lock when a step spans two buckets.
  std::unique_lock<std::mutex> hold_across(std::span<const operation> ops);

  using stripe_set = std::bitset<stripe_count>;

  static std::size_t stripe_of(std::uint64_t hash) { return hash >> (64 - stripe_bits); }
  static std::size_t stripe_of(std::string_view key) { return stripe_of(key_hash(key)); }
  // A listing cursor: the stripe in the high bits, the stripe's table cursor below.
  static constexpr unsigned cursor_stripe_shift = key_table<entry>::cursor_bits;
  static_assert(cursor_stripe_shift + stripe_bits == 64);

  result<std::vector<op_result>> apply(std::span<const operation> ops) override;
  result<std::unique_ptr<backend::transaction>> begin() override;
  result<backend::key_page> list_keys(std::optional<std::string_view> cursor,
                                      const backend::list_options& options) override;

  result<std::optional<std::string>> get(std::string_view key) override;
  result<void> set(std::string_view key, std::string_view value) override;
  result<bool> remove(std::string_view key) override;
  result<bool> exists(std::string_view key) override;
  result<std::int64_t> increment(std::string_view key, std::int64_t delta) override;

  // For transactions, with the stripes of `ops` (and their own) held.
  stripe& stripe_for(std::string_view key) { return stripes_[stripe_of(key)]; }
  stripe& stripe_at(std::uint64_t hash) { return stripes_[stripe_of(hash)]; }
  void add_stripes(std::span<const operation> ops, stripe_set& set) const;
  void lock(const stripe_set& set);
  void unlock(const stripe_set& set);
  // One operation of a batch whose clock reading is `now`, with its stripes held.
  op_result execute(const operation& op, lazy_clock& now);

  // The key's entry if it is present and not past its deadline at `now`; a key past it is
  // reclaimed here (lazy expiry). Its stripe held.
  entry* find_live(stripe& s, std::string_view key, std::uint64_t hash, lazy_clock& now);

  // SWAPDB (operation::swap_databases), applied alone: stripe by stripe, each pair of stripes
  // held together under the registry's `across` lock.
  op_result swap_databases(const operation& op);

  // Drops a tombstone pin taken by a watch of a missing key (its stripe held).
  static void unpin(stripe& s, std::string_view key);

  // Active expiry: if stripe `index` has a key due at `now` and is free, locks it, reclaims at
  // most `limit` keys whose deadline is at or before `now`, earliest first, and returns how many
  // it reclaimed; none when another thread holds it (the expiry thread never waits for a lock).
  std::optional<std::size_t> expire_due(std::size_t index, std::int64_t now, std::size_t limit);

 private:
  op_result execute_single(const operation& op, std::uint64_t hash, lazy_clock& now);
  op_result edit(stripe& s, const operation& op, std::uint64_t hash, lazy_clock& now);
  op_result bit_operation(const operation& op, lazy_clock& now);
  op_result move_or_copy(const operation& op, lazy_clock& now);
  // COPY ... DB: the destination in another bucket of the store, under that stripe's lock; none
  // when the other database is this bucket itself.
  std::optional<op_result> copy_across(const operation& op, entry& from, lazy_clock& now);
  op_result random_key(lazy_clock& now);
  op_result expire(stripe& s, const operation& op, std::uint64_t hash, lazy_clock& now);
  op_result get_and_expire(stripe& s, const operation& op, std::uint64_t hash, lazy_clock& now);
  op_result set_if_none_exist(std::span<const std::string_view> pairs, lazy_clock& now);
  op_result list(const operation& op, lazy_clock& now);
  // One page of keys from `cursor` (0 starts): whole table buckets until it holds about `budget`
  // keys or the listing ends; only those matching `pattern`, if given. `lock_stripes` is false
  // when the caller holds every stripe. Each stripe's due keys are reclaimed before it is read.
  backend::key_page page_from(std::uint64_t cursor, std::size_t budget,
                              std::optional<std::string_view> pattern, bool lock_stripes,
                              lazy_clock& now);
  static void write(stripe& s, entry& e, std::string_view value);
  static void write(stripe& s, entry& e, std::string&& value);  // takes the bytes, no copy
  static void mark_written(stripe& s, entry& e);
  // Gives a present entry `deadline` (0: none), without moving its version.
  static void set_deadline(stripe& s, entry& e, std::uint64_t hash, std::int64_t deadline);
  // Deletes a present entry (DEL, GETDEL, an expiry in the past): its version moves.
  static void remove_entry(stripe& s, entry& e, std::uint64_t hash);
  // Deletes a present entry because its deadline passed, and counts it.
  void expire_entry(stripe& s, entry& e, std::uint64_t hash);
  // Reclaims at most `limit` due keys of a held stripe, earliest first.
  std::size_t reclaim_due(stripe& s, std::int64_t now, std::size_t limit);
  // With every stripe held: reclaims every due key of the bucket.
  // What one count or listing page reclaims at most in each stripe: the rest is left to the expiry
  // thread, so that no single call frees a whole wave of keys while it holds stripe locks.
  static constexpr std::size_t kReclaimPerStripe = 256;
  // Reclaims at most kReclaimPerStripe due keys of each stripe (the caller holds every stripe).
  void reclaim_some_due(lazy_clock& now);
  // Due keys not reclaimed yet: gone for every count, though still in the tables.
  std::size_t count_due(lazy_clock& now) const;
  // A present entry taken out of its stripe, to be put into another.
  struct moving_entry {
    std::string key;
    std::string value;
    std::int64_t deadline = 0;
  };
  // Removes every present entry of a held stripe, as FLUSHDB does (an entry a watch pinned stays
  // as a tombstone with a new version); with `taken`, hands their keys, values and deadlines over.
  static void empty_stripe(stripe& s, std::vector<moving_entry>* taken);
  // Writes each taken entry into a held stripe: a new version for each, whatever was there.
  static void put_all(stripe& s, std::vector<moving_entry>& taken);
  void clear_all();
  std::size_t count_all() const;
  std::size_t count_expiring(lazy_clock& now) const;
  std::int64_t average_ttl(lazy_clock& now) const;

  std::shared_ptr<expired_counter> expired_;
  std::weak_ptr<keyspace_registry> registry_;

  std::unique_ptr<stripe[]> stripes_ = std::make_unique<stripe[]>(stripe_count);
};

}  // namespace atomkv::memory
