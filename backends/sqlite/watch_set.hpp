#pragma once
// The watches of one transaction. The asynchronous forms run on the writer thread, in call order,
// so the set is shared between the transaction and its requests queued for the writer.

#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "rows.hpp"

namespace atomkv::sqlite {

class watch_set {
 public:
  void add(std::vector<watched_key> more) {
    std::lock_guard guard(lock_);
    keys_.insert(keys_.end(), std::make_move_iterator(more.begin()),
                 std::make_move_iterator(more.end()));
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
    if (std::exchange(spoiled_, false)) {
      return std::nullopt;
    }
    return taken;
  }

  void clear() { (void)take(); }

 private:
  std::mutex lock_;
  std::vector<watched_key> keys_;
  bool spoiled_ = false;
};

}  // namespace atomkv::sqlite
