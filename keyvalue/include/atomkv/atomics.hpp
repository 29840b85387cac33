#pragma once
// wasi:keyvalue/atomics: increment and compare-and-swap.
//
// increment: a missing key is created with `delta`. Counters are ASCII decimal signed 64-bit
// integers, the bytes Redis stores; a value that is not one (" 7", "+7", "07", "7a", "") fails
// with other("value is not an integer or out of range"), and an overflow with
// other("increment or decrement would overflow"); either way the value is unchanged.
//
// cas: cas::make captures the key's state (value, or missing). swap succeeds only if the key was
// not written since: any write counts, even of the same bytes, and so does a delete followed by a
// re-create (no ABA). A cas made on a missing key inserts only if the key is still missing.
// swap is conditional whether or not current() was called. On conflict, swap returns cas_failed
// with a handle already refreshed to the key's latest state, ready for the next attempt:
//
//   auto handle = atomics::cas::make(bucket, "n");
//   while (handle) {
//     auto next = std::to_string(parse(handle.value().current().value()) + 1);
//     auto swapped = atomics::swap(std::move(handle).value(), next);
//     if (swapped) break;
//     if (!swapped.error().is_cas_failed()) return swapped.error().store_error();
//     handle = std::move(swapped).error().take_refreshed();
//   }

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "atomkv/store.hpp"

namespace atomkv::atomics {

result<std::int64_t> increment(const bucket& bucket, std::string_view key, std::int64_t delta);

class cas {
 public:
  // wasi cas.new: watches `key` and reads its value, in one step.
  static result<cas> make(const bucket& bucket, std::string_view key);

  // The value captured when the handle was made (none if the key was missing); no second read.
  result<std::optional<std::string>> current() const { return captured_; }
  const std::string& key() const { return key_; }

  cas(cas&&) noexcept = default;
  cas& operator=(cas&&) noexcept = default;
  ~cas() = default;  // dropping a handle releases its watch

 private:
  cas(std::string key, std::unique_ptr<backend::transaction> txn,
      std::optional<std::string> captured)
      : key_(std::move(key)), txn_(std::move(txn)), captured_(std::move(captured)) {}

  std::string key_;
  std::unique_ptr<backend::transaction> txn_;
  std::optional<std::string> captured_;

  friend class cas_error;
  friend result<void, class cas_error> swap(cas&& handle, std::string_view value, expiry deadline);
};

// cas-error: store-error(error) or cas-failed(cas).
class cas_error {
 public:
  cas_error() = default;  // Outcome needs it; holds an empty store error
  explicit cas_error(error failure) : alternative_(std::move(failure)) {}
  explicit cas_error(cas refreshed) : alternative_(std::move(refreshed)) {}

  bool is_store_error() const { return std::holds_alternative<error>(alternative_); }
  bool is_cas_failed() const { return std::holds_alternative<cas>(alternative_); }

  const error& store_error() const { return std::get<error>(alternative_); }
  // The refreshed handle of cas-failed.
  cas& refreshed() { return std::get<cas>(alternative_); }
  cas take_refreshed() && { return std::move(std::get<cas>(alternative_)); }

 private:
  std::variant<error, cas> alternative_;
};

// Sets the key to `value` if it was not written since the handle captured it. Consumes the handle.
// The key's deadline becomes `deadline` (an atomkv extension): none by default, as a plain set
// leaves it; expiry::keep() keeps the one it has.
result<void, cas_error> swap(cas&& handle, std::string_view value,
                             expiry deadline = expiry::never());

}  // namespace atomkv::atomics
