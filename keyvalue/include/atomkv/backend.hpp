#pragma once
// The backend contract. Every backend (memory, redis, sqlite, ...) implements these three
// interfaces; the public API (store.hpp, atomics.hpp, batch.hpp) and the proxy use nothing else.
//
// One mechanism carries all the atomic semantics: the optimistic transaction. `watch` remembers
// the state of some keys, `commit` applies a list of operations all-or-nothing, and only if no
// watched key was written since it was watched (any write: the same bytes again, a delete, a
// delete then a re-create). `cas` is a one-key transaction; the proxy's WATCH/MULTI/EXEC is the
// general case. `apply` is MULTI/EXEC without WATCH. The fast paths exist for speed and must
// behave as the one-operation `apply` would.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/operation.hpp"
#include "atomkv/result.hpp"

struct uv_loop_s;  // libuv's loop, for store::attach_loop

namespace atomkv::backend {

// A page of list_keys. Cursors are decimal unsigned integers (never "0"), so that the proxy can
// hand them to SCAN clients unchanged; no cursor means the listing is complete.
struct key_page {
  std::vector<std::string> keys;
  std::optional<std::string> cursor;
};

struct list_options {
  std::size_t count_hint = 1000;  // about how many keys a page should hold
  std::string_view match;         // a Redis glob pattern; empty matches every key
};

using apply_done = std::function<void(result<std::vector<op_result>>)>;
using commit_done = std::function<void(result<std::optional<std::vector<op_result>>>)>;
using watch_done = std::function<void(result<std::vector<std::optional<std::string>>>)>;
using unwatch_done = std::function<void(result<void>)>;
using list_done = std::function<void(result<key_page>)>;

// Asynchronous forms. They are called on one event-loop thread (the one given to
// store::attach_loop, if any) and their callbacks run on that thread, possibly before the call
// returns. A backend that does I/O or waits overrides them, so that the loop never waits.
// Ordering: calls made on one transaction take effect in call order; calls on one bucket with the
// same `lane` take effect in call order, each seeing the effects of the ones before it (the proxy
// gives each client its own lane). Nothing is promised between lanes or between a bucket and a
// transaction: a caller that needs that order waits for the earlier callback first.
// The operations given, and what they point to (keys, values, arguments, BITFIELD steps), need
// to stay valid only until the call returns: a backend that needs them later keeps its own copy
// (the proxy reuses its storage for the next command at once).

class transaction {
 public:
  virtual ~transaction() = default;  // releases every watch

  // WATCH: remember the state of `keys` from now on. With read_values, also return the values
  // they have at that moment (consistently with the watch: nothing can slip in between).
  virtual result<std::vector<std::optional<std::string>>> watch(
      std::span<const std::string_view> keys, bool read_values) = 0;

  // EXEC: apply `ops` all-or-nothing if no watched key was written since it was watched.
  // An empty optional is a conflict: nothing was applied. Every watch is released either way.
  virtual result<std::optional<std::vector<op_result>>> commit(std::span<const operation> ops) = 0;

  // UNWATCH: release every watch.
  virtual result<void> unwatch() = 0;

  // Asynchronous forms (see the ordering rules above). The defaults run the synchronous forms.
  virtual void watch_async(std::span<const std::string_view> keys, bool read_values,
                           watch_done done) {
    done(watch(keys, read_values));
  }
  virtual void commit_async(std::span<const operation> ops, commit_done done) { done(commit(ops)); }
  virtual void unwatch_async(unwatch_done done) { done(unwatch()); }
};

class bucket {
 public:
  virtual ~bucket() = default;

  // MULTI ... EXEC: all-or-nothing and isolated; no other client sees part of it.
  virtual result<std::vector<op_result>> apply(std::span<const operation> ops) = 0;
  // The batch interface's get_many/set_many/delete_many: every operation applied, with its
  // result in order, but no atomicity promised (wasi:keyvalue/batch). By default the atomic
  // apply; a backend that cannot apply some lists atomically (Redis Cluster, keys of several
  // slots) splits them here.
  virtual result<std::vector<op_result>> apply_batch(std::span<const operation> ops) {
    return apply(ops);
  }
  virtual void apply_async(std::span<const operation> ops, std::uint64_t lane, apply_done done) {
    (void)lane;
    done(apply(ops));
  }
  // Whether the asynchronous forms finish before they return, as the defaults do; a caller may
  // then use the synchronous forms directly and skip the callback's cost.
  virtual bool completes_inline() const { return true; }

  // An optimistic transaction session, bound to this bucket.
  virtual result<std::unique_ptr<transaction>> begin() = 0;

  // SCAN. Keys that exist for the whole listing are returned at least once.
  virtual result<key_page> list_keys(std::optional<std::string_view> cursor,
                                     const list_options& options) = 0;
  virtual void list_keys_async(std::optional<std::string_view> cursor, const list_options& options,
                               list_done done) {
    done(list_keys(cursor, options));
  }

  // Fast paths; by default each is the one-operation `apply`.
  virtual result<std::optional<std::string>> get(std::string_view key);
  virtual result<void> set(std::string_view key, std::string_view value);
  virtual result<bool> remove(std::string_view key);  // whether the key existed
  virtual result<bool> exists(std::string_view key);
  virtual result<std::int64_t> increment(std::string_view key, std::int64_t delta);
};

class store {
 public:
  virtual ~store() = default;

  // The bucket named `identifier`; "" is the backend's plain keyspace.
  virtual result<std::shared_ptr<bucket>> open(std::string_view identifier) = 0;

  // The proxy's database `n` (SELECT n). By default database 0 is the plain keyspace and
  // database n the bucket named "n"; a backend with numbered databases of its own (Redis) maps
  // n onto them instead, so that a client of the proxy and a client of the backend see the same
  // database under the same number.
  virtual result<std::shared_ptr<bucket>> open_database(std::size_t n) {
    return open(n == 0 ? std::string() : std::to_string(n));
  }

  // Runs the asynchronous forms of this store's buckets and transactions on a libuv loop: their
  // callbacks then run on the loop's thread, and a network backend does its I/O there. Called on
  // that thread before the first asynchronous call; the synchronous forms keep working from any
  // thread. detach_loop (on the loop's thread, before the loop closes) fails what is still
  // pending and closes the backend's handles on the loop.
  virtual result<void> attach_loop(uv_loop_s* loop) {
    (void)loop;
    return outcome::success();
  }
  virtual void detach_loop() {}
};

// Turns an op_result of kind error into the contract's error ("ERR " is dropped, so that
// increment on a non-integer reads "value is not an integer or out of range").
error to_error(const op_result& failed);

// The one result of a one-operation apply, or its error.
result<op_result> single(result<std::vector<op_result>> applied);

}  // namespace atomkv::backend
