// Active expiry: the store's thread reclaims keys nobody touches, and their memory (entries, the
// expiry index, the tables' bucket arrays) comes back.

#include <mutex>
#include <string>

#include "support.hpp"

using atomkv::expiry;
using atomkv::op_result;
using atomkv::operation;
using atomkv::unix_time_ms;
using atomkv::memory::keyspace;
using namespace atomkv::memory::testing;

namespace {

// The keys expired in the whole store, read through a bucket that holds none of them, so that
// nothing touches the bucket under test.
std::int64_t expired_in_store(atomkv::backend::bucket& bystander) {
  return integer(bystander, operation::expired_total());
}

struct stripe_totals {
  std::size_t entries = 0;
  std::size_t buckets = 0;
  std::size_t indexed = 0;
  std::size_t index_capacity = 0;
};

stripe_totals totals(keyspace& space) {
  stripe_totals t;
  for (std::size_t i = 0; i < keyspace::stripe_count; ++i) {
    auto& s = space.stripe_at(std::uint64_t{i} << (64 - keyspace::stripe_bits));
    std::lock_guard guard(s.lock);
    t.entries += s.entries.size();
    t.buckets += s.entries.bucket_count();
    t.indexed += s.deadlines.size();
    t.index_capacity += s.deadlines.capacity();
  }
  return t;
}

}  // namespace

TEST_CASE("the expiry thread reclaims 100,000 keys that nobody touches", "[active]") {
  auto store = fresh_store();
  auto opened = store->open("many");
  REQUIRE(opened);
  auto& space = dynamic_cast<keyspace&>(*opened.value());
  auto bystander = store->open("bystander").value();

  constexpr int kKeys = 100000;
  const std::int64_t deadline = unix_time_ms() + 1000;
  for (int i = 0; i < kKeys; ++i) {
    REQUIRE(one(space, operation::set("key:" + std::to_string(i), "value",
                                      operation::condition::always, false, expiry::at(deadline)))
                .what == op_result::kind::ok);
  }
  const auto full = totals(space);
  if (unix_time_ms() < deadline) {  // a slow machine may reach the deadline before this
    CHECK(full.entries == kKeys);
    CHECK(full.indexed == kKeys);
    CHECK(full.buckets >= kKeys);
  }

  sleep_past(deadline);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (expired_in_store(*bystander) < kKeys && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(expired_in_store(*bystander) == kKeys);
  // Everything went back: entries, index slots, and the tables shrank to their smallest.
  const auto empty = totals(space);
  CHECK(empty.entries == 0);
  CHECK(empty.indexed == 0);
  CHECK(empty.buckets <= keyspace::stripe_count * 8);
  CHECK(empty.index_capacity <= keyspace::stripe_count * 64);
  CHECK(integer(space, operation::count()) == 0);
}

TEST_CASE("keys without a deadline and keys due later are left alone", "[active]") {
  auto store = fresh_store();
  auto space = store->open("").value();
  const std::int64_t soon = unix_time_ms() + 50;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = std::to_string(i);
    const expiry when = i % 3 == 0   ? expiry::at(soon)
                        : i % 3 == 1 ? expiry::after(600000)
                                     : expiry::never();
    REQUIRE(one(*space, operation::set(key, "v", operation::condition::always, false, when)).what ==
            op_result::kind::ok);
  }
  sleep_past(soon);
  auto bystander = store->open("b").value();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (expired_in_store(*bystander) < 334 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(expired_in_store(*bystander) == 334);
  CHECK(integer(*space, operation::count()) == 666);
  CHECK(integer(*space, operation::count_expiring()) == 333);
}

TEST_CASE("destroying the store stops its thread; a bucket that outlives it expires lazily",
          "[active]") {
  std::shared_ptr<atomkv::backend::bucket> kept;
  const std::int64_t deadline = unix_time_ms() + 30;
  {
    auto store = fresh_store();
    kept = store->open("").value();
    REQUIRE(one(*kept,
                operation::set("k", "v", operation::condition::always, false, expiry::at(deadline)))
                .what == op_result::kind::ok);
  }
  sleep_past(deadline);
  CHECK(one(*kept, operation::get("k")) == op_result::nil());
  CHECK(integer(*kept, operation::expired_total()) == 1);
}
