#pragma once
// The hash table of one stripe: chained buckets, a power-of-two bucket count, and a cursor that
// resumes a scan in O(buckets visited), as Redis's dictScan does.
//
// A key's bucket is the low bits of its hash. The scan cursor walks bucket indices in
// reverse-binary order (the high bit of the index is incremented first), so when the table
// doubles or halves between two steps, the buckets still to visit are exactly those whose
// reversed index is above the cursor's, in the old and the new table alike: every key present
// for the whole scan is visited at least once (after a halving, some twice), whatever the
// resizes in between. std::unordered_map cannot do this: libstdc++ sizes it to prime bucket
// counts, which share no bits from one size to the next.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace atomkv::memory {

template <class Value>
class key_table {
 public:
  // Cursors live in this many bits (the keyspace keeps the bits above for its stripe).
  static constexpr unsigned cursor_bits = 58;
  static constexpr std::uint64_t cursor_space = (std::uint64_t{1} << cursor_bits) - 1;

  key_table() = default;
  key_table(const key_table&) = delete;
  key_table& operator=(const key_table&) = delete;
  ~key_table() {
    for (std::size_t b = 0; b < bucket_count(); ++b) {
      for (node* n = buckets_[b]; n != nullptr;) {
        node* next = n->next;
        delete n;
        n = next;
      }
    }
  }

  std::size_t size() const { return size_; }
  // Buckets in the array (0 before the first key): what the table holds in memory besides keys.
  std::size_t bucket_count() const { return buckets_ ? mask_ + 1 : 0; }

  Value* find(std::string_view key, std::uint64_t hash) const {
    for (node* n = buckets_ ? buckets_[hash & mask_] : nullptr; n != nullptr; n = n->next) {
      if (n->hash == hash && n->key == key) {
        return &n->value;
      }
    }
    return nullptr;
  }

  // The key's value, default-constructed if the key was not there.
  Value& find_or_add(std::string_view key, std::uint64_t hash) {
    if (Value* found = find(key, hash)) {
      return *found;
    }
    if (size_ >= bucket_count()) {
      resize(bucket_count() == 0 ? kMinBuckets : bucket_count() * 2);
    }
    node*& head = buckets_[hash & mask_];
    head = new node{head, hash, std::string(key), Value{}};
    ++size_;
    return head->value;
  }

  bool erase(std::string_view key, std::uint64_t hash) {
    if (!buckets_) {
      return false;
    }
    for (node** link = &buckets_[hash & mask_]; *link != nullptr; link = &(*link)->next) {
      node* n = *link;
      if (n->hash == hash && n->key == key) {
        *link = n->next;
        delete n;
        --size_;
        shrink_if_sparse();
        return true;
      }
    }
    return false;
  }

  // Removes the entry whose value is `which` (its key hashing to `hash`), found by address.
  bool erase(std::uint64_t hash, const Value* which) {
    if (!buckets_) {
      return false;
    }
    for (node** link = &buckets_[hash & mask_]; *link != nullptr; link = &(*link)->next) {
      node* n = *link;
      if (&n->value == which) {
        *link = n->next;
        delete n;
        --size_;
        shrink_if_sparse();
        return true;
      }
    }
    return false;
  }

  // Removes every entry for which pred(key, value) holds.
  template <class Pred>
  void erase_if(Pred pred) {
    for (std::size_t b = 0; b < bucket_count(); ++b) {
      for (node** link = &buckets_[b]; *link != nullptr;) {
        node* n = *link;
        if (pred(std::string_view(n->key), n->value)) {
          *link = n->next;
          delete n;
          --size_;
        } else {
          link = &n->next;
        }
      }
    }
    shrink_if_sparse();
  }

  // Calls visit(key, value) for each entry of the bucket that `cursor` names (0 starts), and
  // returns the cursor of the next bucket to visit, 0 once every bucket has been.
  template <class Visit>
  std::uint64_t scan(std::uint64_t cursor, Visit visit) const {
    if (size_ == 0) {
      return 0;
    }
    for (node* n = buckets_[cursor & mask_]; n != nullptr; n = n->next) {
      visit(std::string_view(n->key), n->value);
    }
    // Set the bits above the mask so that the increment carries past them, and increment the
    // reversed cursor: the next index in reverse-binary order.
    cursor |= ~static_cast<std::uint64_t>(mask_) & cursor_space;
    cursor = reversed(cursor);
    cursor = (cursor + 1) & cursor_space;
    return reversed(cursor);
  }

 private:
  struct node {
    node* next;
    std::uint64_t hash;
    std::string key;
    Value value;
  };

  static constexpr std::size_t kMinBuckets = 8;

  // The low cursor_bits bits of `x` in reverse order.
  static std::uint64_t reversed(std::uint64_t x) {
    x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
    x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
    x = ((x >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((x & 0x0F0F0F0F0F0F0F0FULL) << 4);
    x = ((x >> 8) & 0x00FF00FF00FF00FFULL) | ((x & 0x00FF00FF00FF00FFULL) << 8);
    x = ((x >> 16) & 0x0000FFFF0000FFFFULL) | ((x & 0x0000FFFF0000FFFFULL) << 16);
    x = (x >> 32) | (x << 32);
    return x >> (64 - cursor_bits);
  }

  // Below one key per eight buckets, halve (as Redis shrinks a dict under 10% full), so that a
  // scan never walks long runs of empty buckets and an emptied table gives its memory back.
  void shrink_if_sparse() {
    std::size_t target = bucket_count();
    while (target > kMinBuckets && size_ * 8 < target) {
      target /= 2;
    }
    if (target != bucket_count()) {
      resize(target);
    }
  }

  void resize(std::size_t count) {
    assert(count >= kMinBuckets && (count & (count - 1)) == 0);
    assert(count - 1 <= cursor_space);
    auto fresh = std::make_unique<node*[]>(count);  // value-initialised: every bucket empty
    const std::size_t fresh_mask = count - 1;
    for (std::size_t b = 0; b < bucket_count(); ++b) {
      for (node* n = buckets_[b]; n != nullptr;) {
        node* next = n->next;
        node*& head = fresh[n->hash & fresh_mask];
        n->next = head;
        head = n;
        n = next;
      }
    }
    buckets_ = std::move(fresh);
    mask_ = fresh_mask;
  }

  std::unique_ptr<node*[]> buckets_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace atomkv::memory
