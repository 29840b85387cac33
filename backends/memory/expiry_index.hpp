#pragma once
// The deadlines of one stripe, earliest first: a binary min-heap of (deadline, entry), so that the
// keys due for expiry are always at the front and reclaiming k of them costs O(k log n).
//
// Each indexed entry remembers its slot in the heap (Entry::index_slot), so that a key whose
// deadline changes or that is removed leaves the index in O(log n) without a search. Entries are
// nodes of the stripe's key_table, which never move while they live, so the heap holds plain
// pointers to them; the owner removes an entry from the index before it frees it.
//
// The heap's array shrinks when it becomes sparse, so that memory comes back after a wave of
// expiries, and the index keeps the sum of its deadlines for the mean time left (INFO avg_ttl).
//
// Every method but earliest() is called with the stripe's lock held. earliest() may be read
// without it (an atomic copy of the front's deadline), so that the expiry thread locks only the
// stripes that have a key due.

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace atomkv::memory {

// Sums of deadlines: 2^63 ms of deadlines fill an int64 after a few million keys.
__extension__ typedef __int128 deadline_total;

// The index_slot of an entry that has no deadline.
inline constexpr std::uint32_t not_indexed = std::numeric_limits<std::uint32_t>::max();

// Entry has `std::int64_t deadline` (0: none) and `std::uint32_t index_slot`.
template <class Entry>
class expiry_index {
 public:
  struct slot {
    std::int64_t deadline;
    std::uint64_t hash;  // the key's hash, to find its node in the table
    Entry* owner;
  };

  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  std::size_t capacity() const { return heap_.capacity(); }
  // The earliest deadline's slot; the index must not be empty.
  const slot& front() const {
    assert(!heap_.empty());
    return heap_.front();
  }
  // The earliest deadline, or the largest int64 when the index is empty; without the lock, a
  // value at most as new as the last change made under it.
  std::int64_t earliest() const { return earliest_.load(std::memory_order_relaxed); }
  // The sum of every indexed deadline (for the mean time left).
  deadline_total deadline_sum() const { return sum_; }

  // Gives `e` (whose key hashes to `hash`) the deadline `deadline`, indexed or not before.
  void place(Entry& e, std::uint64_t hash, std::int64_t deadline) {
    e.deadline = deadline;
    if (e.index_slot == not_indexed) {
      assert(heap_.size() < not_indexed);
      heap_.push_back({deadline, hash, &e});
      sum_ += deadline;
      e.index_slot = static_cast<std::uint32_t>(heap_.size() - 1);
      sift_up(heap_.size() - 1);
      note_front();
      return;
    }
    slot& s = heap_[e.index_slot];
    assert(s.owner == &e);
    sum_ += deadline_total(deadline) - s.deadline;
    const bool earlier = deadline < s.deadline;
    s.deadline = deadline;
    if (earlier) {
      sift_up(e.index_slot);
    } else {
      sift_down(e.index_slot);
    }
    note_front();
  }

  // Takes `e` out of the index, if it is in it; its deadline becomes none (0).
  void remove(Entry& e) {
    e.deadline = 0;
    if (e.index_slot == not_indexed) {
      return;
    }
    const std::size_t at = e.index_slot;
    assert(heap_[at].owner == &e);
    sum_ -= heap_[at].deadline;
    e.index_slot = not_indexed;
    const std::size_t last = heap_.size() - 1;
    if (at != last) {
      move_to(at, heap_[last]);
      heap_.pop_back();
      sift_down(at);
      sift_up(at);
    } else {
      heap_.pop_back();
    }
    shrink_if_sparse();
    note_front();
  }

  // How many indexed deadlines are at or before `now`, and their sum, without changing anything:
  // a walk of the heap that stops below every deadline past `now`, so it costs what is due.
  struct due_part {
    std::size_t count = 0;
    deadline_total sum = 0;
  };
  due_part due(std::int64_t now) const {
    due_part out;
    if (heap_.empty() || heap_[0].deadline > now) {
      return out;
    }
    std::vector<std::size_t> pending{0};
    while (!pending.empty()) {
      const std::size_t at = pending.back();
      pending.pop_back();
      ++out.count;
      out.sum += heap_[at].deadline;
      for (std::size_t child = 2 * at + 1; child <= 2 * at + 2 && child < heap_.size(); ++child) {
        if (heap_[child].deadline <= now) {
          pending.push_back(child);
        }
      }
    }
    return out;
  }

  // Forgets every entry without touching them (their table is being emptied by the caller).
  void clear() {
    std::vector<slot>().swap(heap_);
    sum_ = 0;
    note_front();
  }

 private:
  static constexpr std::size_t kMinCapacity = 64;

  void note_front() {
    earliest_.store(heap_.empty() ? std::numeric_limits<std::int64_t>::max() : heap_[0].deadline,
                    std::memory_order_relaxed);
  }

  void move_to(std::size_t at, const slot& s) {
    heap_[at] = s;
    heap_[at].owner->index_slot = static_cast<std::uint32_t>(at);
  }

  void sift_up(std::size_t at) {
    const slot moving = heap_[at];
    while (at > 0) {
      const std::size_t parent = (at - 1) / 2;
      if (heap_[parent].deadline <= moving.deadline) {
        break;
      }
      move_to(at, heap_[parent]);
      at = parent;
    }
    move_to(at, moving);
  }

  void sift_down(std::size_t at) {
    const slot moving = heap_[at];
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t child = 2 * at + 1;
      if (child >= n) {
        break;
      }
      if (child + 1 < n && heap_[child + 1].deadline < heap_[child].deadline) {
        ++child;
      }
      if (moving.deadline <= heap_[child].deadline) {
        break;
      }
      move_to(at, heap_[child]);
      at = child;
    }
    move_to(at, moving);
  }

  // Below a quarter full, the array is reallocated at twice the size it holds.
  void shrink_if_sparse() {
    if (heap_.capacity() > kMinCapacity && heap_.size() * 4 < heap_.capacity()) {
      std::vector<slot> smaller;
      smaller.reserve(std::max(kMinCapacity, heap_.size() * 2));
      smaller.assign(heap_.begin(), heap_.end());
      heap_.swap(smaller);
    }
  }

  std::vector<slot> heap_;
  deadline_total sum_ = 0;
  std::atomic<std::int64_t> earliest_{std::numeric_limits<std::int64_t>::max()};
};

}  // namespace atomkv::memory
