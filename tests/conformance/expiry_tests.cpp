// Expiry, atomkv's extension of the contract: deadlines in absolute Unix milliseconds, keys past
// theirs gone for every read, write, listing and count, and reclaimed without being touched.
//
// Nothing here depends on speed: a key meant to live is given a minute, a key meant to be gone
// either gets a deadline already past or is checked only after its deadline has passed.

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "atomkv/clock.hpp"
#include "conformance/fixture.hpp"

using atomkv::expiry;
using atomkv::op_result;
using atomkv::operation;
using atomkv::conformance::fixture;
using atomkv::conformance::one_slot_fixture;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kMinute = 60'000;

std::vector<op_result> apply(const atomkv::bucket& bucket, std::vector<operation> ops) {
  auto applied = bucket.backend().apply(ops);
  REQUIRE(applied);
  return std::move(applied).value();
}

std::int64_t integer_of(const atomkv::bucket& bucket, const operation& op) {
  auto results = apply(bucket, {op});
  REQUIRE(results.size() == 1);
  REQUIRE(results[0].what == op_result::kind::integer);
  return results[0].integer;
}

atomkv::key_expiry ttl_of(const atomkv::bucket& bucket, std::string_view key) {
  auto found = bucket.time_to_live(key);
  REQUIRE(found);
  return found.value();
}

// Sets `key` with a lifetime of `ms` and waits until that deadline has certainly passed.
void set_and_outlive(const atomkv::bucket& bucket, std::string_view key, std::int64_t ms = 50) {
  REQUIRE(bucket.set(key, "short", expiry::after(ms)));
  std::this_thread::sleep_for(std::chrono::milliseconds(ms + 50));
}

bool has_minute_left(const atomkv::key_expiry& e) {
  return e.exists && e.left && e.left->count() > 0 && e.left->count() <= kMinute;
}

}  // namespace

TEST_CASE_METHOD(fixture, "set with a lifetime gives the key a deadline", "[expiry]") {
  const std::int64_t before = atomkv::unix_time_ms();
  REQUIRE(bucket.set("k", "v", expiry::after(kMinute)));
  const std::int64_t after = atomkv::unix_time_ms();
  auto e = ttl_of(bucket, "k");
  REQUIRE(has_minute_left(e));
  REQUIRE(e.deadline_ms);
  // The backend's clock may differ from this one by a little (Redis's own clock on a server).
  CHECK(*e.deadline_ms >= before + kMinute - 5'000);
  CHECK(*e.deadline_ms <= after + kMinute + 5'000);
  CHECK(bucket.get("k").value() == std::optional<std::string>("v"));

  const std::int64_t at = atomkv::unix_time_ms() + 3 * kMinute;
  REQUIRE(bucket.set("abs", "v", expiry::at(at)));
  CHECK(ttl_of(bucket, "abs").deadline_ms == std::optional<std::int64_t>(at));
}

TEST_CASE_METHOD(fixture, "a key without a deadline and a missing key are told apart", "[expiry]") {
  REQUIRE(bucket.set("plain", "v"));
  auto plain = ttl_of(bucket, "plain");
  CHECK(plain.exists);
  CHECK_FALSE(plain.deadline_ms);
  CHECK_FALSE(plain.left);
  auto missing = ttl_of(bucket, "missing");
  CHECK_FALSE(missing.exists);
  CHECK_FALSE(missing.deadline_ms);

  CHECK(integer_of(bucket, operation::time_left("missing")) == -2);
  CHECK(integer_of(bucket, operation::time_left("plain")) == -1);
  CHECK(integer_of(bucket, operation::deadline_of("missing")) == -2);
  CHECK(integer_of(bucket, operation::deadline_of("plain")) == -1);
}

TEST_CASE_METHOD(fixture, "a deadline already past leaves the key gone", "[expiry]") {
  REQUIRE(bucket.set("k", "v", expiry::at(1)));
  CHECK_FALSE(bucket.get("k").value());
  CHECK_FALSE(bucket.exists("k").value());
  CHECK_FALSE(ttl_of(bucket, "k").exists);

  REQUIRE(bucket.set("j", "v"));
  auto expired = bucket.expire("j", expiry::at(atomkv::unix_time_ms() - 1'000));
  REQUIRE(expired);
  CHECK(expired.value());  // as Redis: 1, and the key is deleted
  CHECK_FALSE(bucket.exists("j").value());

  REQUIRE(bucket.set("n", "v"));
  REQUIRE(bucket.expire("n", expiry::after(-5)));
  CHECK_FALSE(bucket.exists("n").value());
}

TEST_CASE_METHOD(fixture, "a key past its deadline is gone for every read and write", "[expiry]") {
  set_and_outlive(bucket, "k");
  CHECK_FALSE(bucket.get("k").value());
  CHECK_FALSE(bucket.exists("k").value());

  set_and_outlive(bucket, "counter");
  auto n = atomkv::atomics::increment(bucket, "counter", 5);
  REQUIRE(n);
  CHECK(n.value() == 5);  // a new key, not "short" + 5
  CHECK_FALSE(ttl_of(bucket, "counter").deadline_ms);

  set_and_outlive(bucket, "nx");
  auto created = apply(bucket, {operation::set("nx", "v", operation::condition::if_missing)});
  CHECK(created[0] == op_result::ok());
  set_and_outlive(bucket, "xx");
  auto updated = apply(bucket, {operation::set("xx", "v", operation::condition::if_present)});
  CHECK(updated[0] == op_result::nil());

  set_and_outlive(bucket, "others");
  auto reads = apply(bucket, {operation::length("others"), operation::type("others"),
                              operation::take("others"), operation::remove("others"),
                              operation::set("others", "new", operation::condition::always, true)});
  CHECK(reads[0] == op_result::of_integer(0));
  CHECK(reads[1] == op_result::of_value("none"));
  CHECK(reads[2] == op_result::nil());
  CHECK(reads[3] == op_result::of_integer(0));
  CHECK(reads[4] == op_result::nil());
}

TEST_CASE_METHOD(fixture, "expired keys are neither listed nor counted", "[expiry]") {
  REQUIRE(bucket.set("stays", "v"));
  REQUIRE(bucket.set("lives", "v", expiry::after(kMinute)));
  set_and_outlive(bucket, "goes");
  auto results =
      apply(bucket, {operation::count(), operation::list("*"), operation::count_expiring()});
  CHECK(results[0] == op_result::of_integer(2));
  auto keys = results[1].keys;
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"lives", "stays"});
  CHECK(results[2] == op_result::of_integer(1));

  std::vector<std::string> listed;
  std::optional<std::string> cursor;
  do {
    auto page = bucket.list_keys(cursor);
    REQUIRE(page);
    listed.insert(listed.end(), page.value().keys.begin(), page.value().keys.end());
    cursor = page.value().cursor;
  } while (cursor);
  std::sort(listed.begin(), listed.end());
  listed.erase(std::unique(listed.begin(), listed.end()), listed.end());
  CHECK(listed == std::vector<std::string>{"lives", "stays"});
}

TEST_CASE_METHOD(fixture, "set replaces the deadline, keep and increment keep it", "[expiry]") {
  REQUIRE(bucket.set("k", "1", expiry::after(kMinute)));
  REQUIRE(bucket.set("k", "2"));
  CHECK_FALSE(ttl_of(bucket, "k").deadline_ms);

  REQUIRE(bucket.set("k", "3", expiry::after(kMinute)));
  const auto deadline = ttl_of(bucket, "k").deadline_ms;
  REQUIRE(deadline);
  REQUIRE(bucket.set("k", "4", expiry::keep()));
  CHECK(ttl_of(bucket, "k").deadline_ms == deadline);
  CHECK(bucket.get("k").value() == std::optional<std::string>("4"));

  REQUIRE(atomkv::atomics::increment(bucket, "k", 10));
  CHECK(ttl_of(bucket, "k").deadline_ms == deadline);
  CHECK(bucket.get("k").value() == std::optional<std::string>("14"));

  // keep on a missing key: created with no deadline.
  REQUIRE(bucket.set("fresh", "v", expiry::keep()));
  auto fresh = ttl_of(bucket, "fresh");
  CHECK(fresh.exists);
  CHECK_FALSE(fresh.deadline_ms);

  // A set whose condition fails changes nothing, the deadline included.
  auto skipped = apply(
      bucket, {operation::set("k", "x", operation::condition::if_missing, false, expiry::never())});
  CHECK(skipped[0] == op_result::nil());
  CHECK(ttl_of(bucket, "k").deadline_ms == deadline);
}

TEST_CASE_METHOD(fixture, "expire and persist answer whether they changed the key", "[expiry]") {
  CHECK_FALSE(bucket.expire("missing", expiry::after(kMinute)).value());
  CHECK_FALSE(bucket.persist("missing").value());
  REQUIRE(bucket.set("k", "v"));
  CHECK_FALSE(bucket.persist("k").value());
  CHECK(bucket.expire("k", expiry::after(kMinute)).value());
  CHECK(has_minute_left(ttl_of(bucket, "k")));
  CHECK(bucket.persist("k").value());
  auto e = ttl_of(bucket, "k");
  CHECK(e.exists);
  CHECK_FALSE(e.deadline_ms);
  CHECK(bucket.get("k").value() == std::optional<std::string>("v"));
  CHECK_FALSE(bucket.expire("k", expiry::never()));  // expire needs a deadline
}

TEST_CASE_METHOD(fixture, "expire's conditions follow Redis's NX, XX, GT and LT", "[expiry]") {
  const std::int64_t now = atomkv::unix_time_ms();
  const expiry soon = expiry::at(now + kMinute);
  const expiry later = expiry::at(now + 2 * kMinute);
  REQUIRE(bucket.set("k", "v"));
  // No deadline: XX and GT fail (none counts as infinitely far), NX and LT hold.
  CHECK(integer_of(bucket, operation::expire("k", later, atomkv::expire_if_some)) == 0);
  CHECK(integer_of(bucket, operation::expire("k", later, atomkv::expire_if_later)) == 0);
  CHECK(integer_of(bucket, operation::expire("k", later, atomkv::expire_if_earlier)) == 1);
  CHECK(ttl_of(bucket, "k").deadline_ms == std::optional<std::int64_t>(later.ms));
  REQUIRE(bucket.persist("k").value());
  CHECK(integer_of(bucket, operation::expire("k", later, atomkv::expire_if_none)) == 1);
  // Now at `later`.
  CHECK(integer_of(bucket, operation::expire("k", soon, atomkv::expire_if_none)) == 0);
  CHECK(integer_of(bucket, operation::expire("k", soon, atomkv::expire_if_later)) == 0);
  CHECK(integer_of(bucket, operation::expire("k", later, atomkv::expire_if_earlier)) == 0);
  CHECK(integer_of(
            bucket,
            operation::expire("k", soon, atomkv::expire_if_some | atomkv::expire_if_earlier)) == 1);
  CHECK(ttl_of(bucket, "k").deadline_ms == std::optional<std::int64_t>(soon.ms));
  CHECK(integer_of(bucket, operation::expire("k", later, atomkv::expire_if_later)) == 1);
  CHECK(ttl_of(bucket, "k").deadline_ms == std::optional<std::int64_t>(later.ms));
  // A failed condition never deletes, even with a deadline in the past.
  CHECK(integer_of(bucket, operation::expire("k", expiry::at(1), atomkv::expire_if_later)) == 0);
  CHECK(bucket.exists("k").value());
}

TEST_CASE_METHOD(fixture, "get_and_expire reads the value and then changes the deadline",
                 "[expiry]") {
  REQUIRE(bucket.set("k", "v", expiry::after(kMinute)));
  const auto deadline = ttl_of(bucket, "k").deadline_ms;
  auto kept = apply(bucket, {operation::get_and_expire("k", expiry::keep())});
  CHECK(kept[0] == op_result::of_value("v"));
  CHECK(ttl_of(bucket, "k").deadline_ms == deadline);

  auto persisted = apply(bucket, {operation::get_and_expire("k", expiry::never())});
  CHECK(persisted[0] == op_result::of_value("v"));
  CHECK_FALSE(ttl_of(bucket, "k").deadline_ms);

  auto set = apply(bucket, {operation::get_and_expire("k", expiry::after(2 * kMinute))});
  CHECK(set[0] == op_result::of_value("v"));
  REQUIRE(ttl_of(bucket, "k").left);
  CHECK(ttl_of(bucket, "k").left->count() > kMinute);

  auto gone = apply(bucket, {operation::get_and_expire("k", expiry::at(1))});
  CHECK(gone[0] == op_result::of_value("v"));
  CHECK_FALSE(bucket.exists("k").value());

  auto missing = apply(bucket, {operation::get_and_expire("k", expiry::after(kMinute))});
  CHECK(missing[0] == op_result::nil());
  CHECK_FALSE(bucket.exists("k").value());
}

TEST_CASE_METHOD(fixture, "the bucket counts its keys with a deadline", "[expiry]") {
  REQUIRE(bucket.set("a", "v", expiry::after(kMinute)));
  REQUIRE(bucket.set("b", "v", expiry::after(kMinute)));
  REQUIRE(bucket.set("c", "v"));
  auto results = apply(bucket, {operation::count_expiring(), operation::average_ttl()});
  CHECK(results[0] == op_result::of_integer(2));
  REQUIRE(results[1].what == op_result::kind::integer);
  // Redis estimates avg_ttl in its expiry cycle (0 until it has sampled); others compute it.
  CHECK(results[1].integer >= 0);
  CHECK(results[1].integer <= kMinute);
}

TEST_CASE_METHOD(fixture, "keys nobody touches are reclaimed and counted as expired", "[expiry]") {
  const std::int64_t expired_before = integer_of(bucket, operation::expired_total());
  constexpr int kKeys = 200;
  for (int i = 0; i < kKeys; ++i) {
    REQUIRE(bucket.set("gone:" + std::to_string(i), "v", expiry::after(100)));
  }
  // Only the store-wide counter is read: no key of the bucket is touched.
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  std::int64_t expired = expired_before;
  while (std::chrono::steady_clock::now() < give_up) {
    expired = integer_of(bucket, operation::expired_total());
    if (expired >= expired_before + kKeys) {
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  CHECK(expired >= expired_before + kKeys);
  CHECK(integer_of(bucket, operation::count()) == 0);
}

TEST_CASE_METHOD(fixture, "a set whose deadline has passed counts as an expired key", "[expiry]") {
  const std::int64_t expired_before = integer_of(bucket, operation::expired_total());
  constexpr int kKeys = 3;
  for (int i = 0; i < kKeys; ++i) {
    // As Redis's SET k v PXAT <past>: set with its deadline, then expired.
    REQUIRE(bucket.set("past:" + std::to_string(i), "v", expiry::at(1'000)));
  }
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  std::int64_t expired = expired_before;
  while (std::chrono::steady_clock::now() < give_up) {
    expired = integer_of(bucket, operation::expired_total());
    if (expired >= expired_before + kKeys) {
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  CHECK(expired >= expired_before + kKeys);
  CHECK(integer_of(bucket, operation::count()) == 0);
}

TEST_CASE_METHOD(fixture, "swap replaces the deadline unless asked to keep it", "[expiry][cas]") {
  REQUIRE(bucket.set("k", "1", expiry::after(kMinute)));
  const auto deadline = ttl_of(bucket, "k").deadline_ms;
  auto handle = atomkv::atomics::cas::make(bucket, "k");
  REQUIRE(handle);
  REQUIRE(atomkv::atomics::swap(std::move(handle).value(), "2", expiry::keep()));
  CHECK(ttl_of(bucket, "k").deadline_ms == deadline);

  auto again = atomkv::atomics::cas::make(bucket, "k");
  REQUIRE(again);
  REQUIRE(atomkv::atomics::swap(std::move(again).value(), "3"));
  CHECK_FALSE(ttl_of(bucket, "k").deadline_ms);

  auto timed = atomkv::atomics::cas::make(bucket, "k");
  REQUIRE(timed);
  REQUIRE(atomkv::atomics::swap(std::move(timed).value(), "4", expiry::after(kMinute)));
  CHECK(has_minute_left(ttl_of(bucket, "k")));
}

TEST_CASE_METHOD(one_slot_fixture, "a watched key that expires before commit fails the commit",
                 "[expiry][transaction]") {
  REQUIRE(bucket.set("k", "v", expiry::after(300)));
  auto txn = bucket.backend().begin();
  REQUIRE(txn);
  const std::string_view keys[] = {"k"};
  REQUIRE(txn.value()->watch(keys, false));
  std::this_thread::sleep_for(400ms);
  const operation write = operation::set("other", "x");
  auto committed = txn.value()->commit(std::span<const operation>(&write, 1));
  REQUIRE(committed);
  CHECK_FALSE(committed.value().has_value());
  CHECK_FALSE(bucket.exists("other").value());
}

TEST_CASE_METHOD(fixture, "a key already expired when watched is no change when it is reclaimed",
                 "[expiry][transaction]") {
  set_and_outlive(bucket, "k");
  auto txn = bucket.backend().begin();
  REQUIRE(txn);
  const std::string_view keys[] = {"k"};
  auto watched = txn.value()->watch(keys, true);
  REQUIRE(watched);
  CHECK_FALSE(watched.value().at(0));  // read as missing
  std::this_thread::sleep_for(200ms);  // time for active expiry to reclaim it
  CHECK_FALSE(bucket.exists("k").value());
  const operation write = operation::set("k", "mine");
  auto committed = txn.value()->commit(std::span<const operation>(&write, 1));
  REQUIRE(committed);
  REQUIRE(committed.value().has_value());
  CHECK(bucket.get("k").value() == std::optional<std::string>("mine"));
}

TEST_CASE_METHOD(fixture, "setting or removing a watched key's deadline is a write",
                 "[expiry][transaction]") {
  REQUIRE(bucket.set("k", "v"));
  auto other = other_client();
  const std::string_view keys[] = {"k"};
  const operation write = operation::set("k", "mine");
  {
    auto txn = bucket.backend().begin();
    REQUIRE(txn);
    REQUIRE(txn.value()->watch(keys, false));
    REQUIRE(other.expire("k", expiry::after(kMinute)).value());
    auto committed = txn.value()->commit(std::span<const operation>(&write, 1));
    REQUIRE(committed);
    CHECK_FALSE(committed.value().has_value());
  }
  {
    auto txn = bucket.backend().begin();
    REQUIRE(txn);
    REQUIRE(txn.value()->watch(keys, false));
    REQUIRE(other.persist("k").value());
    auto committed = txn.value()->commit(std::span<const operation>(&write, 1));
    REQUIRE(committed);
    CHECK_FALSE(committed.value().has_value());
  }
  CHECK(bucket.get("k").value() == std::optional<std::string>("v"));
}

TEST_CASE_METHOD(one_slot_fixture, "expiry operations run inside a transaction",
                 "[expiry][transaction]") {
  auto txn = bucket.backend().begin();
  REQUIRE(txn);
  const std::string_view keys[] = {"k"};
  REQUIRE(txn.value()->watch(keys, false));
  const operation ops[] = {
      operation::set("k", "v", operation::condition::always, false, expiry::after(kMinute)),
      operation::time_left("k"),
      operation::increment("n", 1),
      operation::expire("n", expiry::after(kMinute)),
      operation::persist("k"),
      operation::deadline_of("k"),
  };
  auto committed = txn.value()->commit(ops);
  REQUIRE(committed);
  REQUIRE(committed.value().has_value());
  const auto& results = *committed.value();
  REQUIRE(results.size() == 6);
  CHECK(results[0] == op_result::ok());
  REQUIRE(results[1].what == op_result::kind::integer);
  CHECK(results[1].integer > 0);
  CHECK(results[1].integer <= kMinute);
  CHECK(results[2] == op_result::of_integer(1));
  CHECK(results[3] == op_result::of_integer(1));
  CHECK(results[4] == op_result::of_integer(1));
  CHECK(results[5] == op_result::of_integer(-1));
  CHECK(has_minute_left(ttl_of(bucket, "n")));
}
