#pragma once
// WATCH / MULTI / EXEC on the memory backend: a watch remembers each key's version; commit
// locks the stripes of the watched keys and of the operations, checks every version, and applies
// the operations only if none moved.
//
// Expiry follows Redis 7.0's src/multi.c: a key already past its deadline when watched is
// reclaimed first and watched as missing (so its reclaiming is no change, and a later create
// is); a watched key that reaches its deadline before commit is reclaimed at commit, which is a
// change, so commit fails. Setting or removing a deadline is a write like any other.

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "keyspace.hpp"

namespace atomkv::memory {

class memory_transaction final : public backend::transaction {
 public:
  explicit memory_transaction(std::shared_ptr<keyspace> space) : space_(std::move(space)) {}
  ~memory_transaction() override { release(); }

  result<std::vector<std::optional<std::string>>> watch(std::span<const std::string_view> keys,
                                                        bool read_values) override;
  result<std::optional<std::vector<op_result>>> commit(std::span<const operation> ops) override;
  result<void> unwatch() override {
    release();
    return outcome::success();
  }

 private:
  struct watched_key {
    std::string key;
    std::uint64_t version;
    bool present;  // false: the key was missing, and this watch pins its tombstone
  };

  bool unchanged() const;
  void release();
  // Drops the pins of every watch; their stripes are held by the caller.
  void release_held();

  std::shared_ptr<keyspace> space_;
  std::vector<watched_key> watches_;
  // The keys of watches_: a key watched again keeps its first watch, as in Redis.
  std::unordered_set<std::string> watched_names_;
};

}  // namespace atomkv::memory
