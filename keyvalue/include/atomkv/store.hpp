#pragma once
// wasi:keyvalue/store: open a store by URL, open a bucket in it, and read and write keys.
//
//   auto store = atomkv::connect("memory://");      // or redis://host:6379, sqlite:///x.db
//   auto bucket = store.value().open("");           // "" is the backend's plain keyspace
//   bucket.value().set("greeting", "hello");
//
// Values are bytes held in std::string (NUL bytes included). Every call returns a result; none
// throws. Stores and buckets are cheap handles: copies share the same backend, and every method
// may be called from many threads at once.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/backend.hpp"
#include "atomkv/result.hpp"

namespace atomkv {

// What time_to_live tells of a key (an atomkv extension: see bucket's expiry methods).
struct key_expiry {
  bool exists = false;                            // false: the key does not exist
  std::optional<std::int64_t> deadline_ms;        // Unix time in ms; none: it never expires
  std::optional<std::chrono::milliseconds> left;  // time left until then (never negative)
};

// key-response of list-keys: a page of keys and the cursor of the next page (none when done).
struct key_response {
  std::vector<std::string> keys;
  std::optional<std::string> cursor;
};

class bucket {
 public:
  explicit bucket(std::shared_ptr<backend::bucket> impl) : impl_(std::move(impl)) {}

  // The value of `key`, or none when the key does not exist.
  result<std::optional<std::string>> get(std::string_view key) const { return impl_->get(key); }
  // Creates or overwrites `key`.
  result<void> set(std::string_view key, std::string_view value) const {
    return impl_->set(key, value);
  }
  // wasi delete: removing a missing key is not an error.
  result<void> remove(std::string_view key) const;
  result<bool> exists(std::string_view key) const { return impl_->exists(key); }
  // One page of keys, in no particular order. Pass the returned cursor to get the next page;
  // keys that exist for the whole listing are returned at least once.
  result<key_response> list_keys(std::optional<std::string_view> cursor = std::nullopt) const;

  // Expiry, an atomkv extension beyond wasi:keyvalue (the WIT has none). Deadlines are absolute
  // Unix times in milliseconds, as Redis stores them; a key past its deadline is gone for every
  // read, write, listing and count, and every backend reclaims it without being asked.
  // set above leaves a key with no deadline, as Redis's SET does; increment keeps a key's
  // deadline; atomics::swap replaces it unless given expiry::keep().
  //
  // Creates or overwrites `key` with `deadline`: expiry::after(ms), expiry::at(unix_ms),
  // expiry::never(), or expiry::keep() to keep the one the key has.
  result<void> set(std::string_view key, std::string_view value, expiry deadline) const;
  // Gives an existing key `deadline` (after or at); false when the key does not exist. A deadline
  // at or before now deletes the key (and answers true).
  result<bool> expire(std::string_view key, expiry deadline) const;
  // Removes the key's deadline; false when the key has none or does not exist.
  result<bool> persist(std::string_view key) const;
  // Whether the key exists, and when it expires.
  result<key_expiry> time_to_live(std::string_view key) const;

  // The backend behind this bucket, for atomics, batch and the proxy.
  backend::bucket& backend() const { return *impl_; }

 private:
  std::shared_ptr<backend::bucket> impl_;
};

class store {
 public:
  explicit store(std::shared_ptr<backend::store> impl) : impl_(std::move(impl)) {}

  // wasi open: the bucket named `identifier`. "" is the backend's plain keyspace (on Redis, the
  // keys every other client sees); another identifier is a separate namespace.
  result<bucket> open(std::string_view identifier) const;

  backend::store& backend() const { return *impl_; }

 private:
  std::shared_ptr<backend::store> impl_;
};

// Opens a store from a URL. Schemes: memory:// (in this process), and those of the backends built
// in (see supported_schemes()). An unknown scheme or a malformed URL is no-such-store.
result<store> connect(std::string_view url);

struct connect_options {
  // Reach a network backend (redis://) once before returning, so that a wrong address or
  // password fails here. When false, connect() returns without reaching it, and calls fail with
  // the connect error until it is reachable (connects are retried with the usual backoff).
  bool reach_now = true;
};
result<store> connect(std::string_view url, const connect_options& options);

// The URL schemes connect() understands, e.g. {"memory", "redis", "redis+unix", "sqlite"}.
std::vector<std::string> supported_schemes();

}  // namespace atomkv
