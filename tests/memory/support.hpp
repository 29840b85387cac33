#pragma once
// Helpers of the memory backend's tests: a keyspace alone (no store, so no expiry thread: only
// lazy expiry reclaims), a store's keyspace, and one-operation calls.

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

#include "atomkv/atomkv.hpp"
#include "atomkv/clock.hpp"
#include "memory/keyspace.hpp"
#include "memory/memory_store.hpp"

namespace atomkv::memory::testing {

inline std::shared_ptr<keyspace> lone_keyspace() {
  return std::make_shared<keyspace>();
}

// A memory:// store, with its expiry thread.
inline std::shared_ptr<memory_store> fresh_store() {
  return std::make_shared<memory_store>();
}

inline op_result one(backend::bucket& bucket, const operation& op) {
  auto done = bucket.apply(std::span<const operation>(&op, 1));
  REQUIRE(done);
  REQUIRE(done.value().size() == 1);
  return done.value().front();
}

inline std::int64_t integer(backend::bucket& bucket, const operation& op) {
  op_result r = one(bucket, op);
  REQUIRE(r.what == op_result::kind::integer);
  return r.integer;
}

// Waits until Unix time is past `deadline_ms` (wall clock, as the backend reads it).
inline void sleep_past(std::int64_t deadline_ms) {
  while (unix_time_ms() <= deadline_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace atomkv::memory::testing
