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

#include <bitset>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "atomkv/backend.hpp"
#include "key_hash.hpp"
#include "key_table.hpp"

namespace atomkv::memory {

class keyspace final : public backend::bucket, public std::enable_shared_from_this<keyspace> {
 public:
  // 64 stripes: enough that unrelated keys rarely share a lock on the machines atomkv targets,
  // few enough that whole-bucket operations (FLUSHDB, DBSIZE) can hold them all, and within
  // ThreadSanitizer's limit of 64 locks held at once, so lock-order checking stays on.
  static constexpr unsigned stripe_bits = 6;
  static constexpr std::size_t stripe_count = std::size_t{1} << stripe_bits;

  struct entry {
    std::string value;
    std::uint64_t version = 0;  // the stripe clock at the last write
    std::uint32_t pins = 0;     // transactions that watched this key while it was missing
    bool present = false;       // false: a tombstone kept only for its pins
  };

  struct alignas(64) stripe {
    std::mutex lock;
    key_table<entry> entries;
    std::uint64_t clock = 0;
    std::size_t present = 0;  // entries with a value, for DBSIZE
  };

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
  op_result execute(const operation& op);

  // Drops a tombstone pin taken by a watch of a missing key (its stripe held).
  static void unpin(stripe& s, std::string_view key);

 private:
  op_result execute_single(const operation& op, std::uint64_t hash);
  op_result set_if_none_exist(std::span<const std::string_view> pairs);
  op_result list(const operation& op);
  // One page of keys from `cursor` (0 starts): whole table buckets until it holds about `budget`
  // keys or the listing ends; only those matching `pattern`, if given. `lock_stripes` is false
  // when the caller holds every stripe.
  backend::key_page page_from(std::uint64_t cursor, std::size_t budget,
                              std::optional<std::string_view> pattern, bool lock_stripes);
  static void write(stripe& s, entry& e, std::string_view value);
  static bool erase(stripe& s, std::string_view key, std::uint64_t hash);
  void clear_all();
  std::size_t count_all() const;

  std::unique_ptr<stripe[]> stripes_ = std::make_unique<stripe[]>(stripe_count);
};

}  // namespace atomkv::memory
