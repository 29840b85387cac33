#pragma once
// The watches of one transaction. The asynchronous forms run on the writer thread, in call order,
// so the set is shared between the transaction and its requests queued for the writer.

#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "rows.hpp"

namespace atomkv::sqlite {

class watch_set {
 public:
  // A key watched again keeps its first watch, as in Redis.
  void add(std::vector<watched_key> more) {
    std::lock_guard guard(lock_);
    for (auto& w : more) {
      if (names_.insert(w.key).second) {
        keys_.push_back(std::move(w));
      }
    }
  }

  // A watch whose group was rolled back may remember versions that never existed, and the
  // clock may hand those out again: the next commit must conflict rather than trust them.
  void spoil() {
    std::lock_guard guard(lock_);
    spoiled_ = true;
  }

  // Releases every watch; what they were, or nothing if the set was spoiled.
  std::optional<std::vector<watched_key>> take() {
    std::lock_guard guard(lock_);
    std::vector<watched_key> taken = std::move(keys_);
    keys_.clear();
    names_.clear();
    if (std::exchange(spoiled_, false)) {
      return std::nullopt;
    }
    return taken;
  }

  void clear() { (void)take(); }

 private:
  std::mutex lock_;
  std::vector<watched_key> keys_;
  std::unordered_set<std::string> names_;  // the keys of keys_
  bool spoiled_ = false;
};

}  // namespace atomkv::sqlite
