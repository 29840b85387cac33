// WATCH with expiry, as Redis 7.0's src/multi.c: EXEC fails when a key that existed unexpired at
// WATCH time has expired by EXEC; a key already expired at WATCH time is missing, and its
// reclaiming is no change; setting or removing a deadline on a watched key is a write. Each case
// runs on a keyspace alone (only the commit notices the deadline) and on a store's keyspace
// (whose expiry thread may reclaim the key first): both must answer the same.

#include <string>
#include <vector>

#include "support.hpp"

using atomkv::expiry;
using atomkv::op_result;
using atomkv::operation;
using atomkv::unix_time_ms;
using namespace atomkv::memory::testing;

namespace {

using cond = operation::condition;

// A keyspace alone, or one bucket of a memory:// store (kept alive with it).
struct subject {
  std::shared_ptr<atomkv::backend::store> store;
  std::shared_ptr<atomkv::backend::bucket> bucket;
};

subject make_subject(bool with_store) {
  if (!with_store) {
    return {nullptr, lone_keyspace()};
  }
  auto store = fresh_store();
  auto bucket = store->open("watch");
  REQUIRE(bucket);
  return {store, bucket.value()};
}

std::unique_ptr<atomkv::backend::transaction> watching(atomkv::backend::bucket& bucket,
                                                       std::string_view key) {
  auto txn = bucket.begin();
  REQUIRE(txn);
  const std::string_view keys[] = {key};
  REQUIRE(txn.value()->watch(keys, false));
  return std::move(txn).value();
}

// Whether a commit of one unrelated set succeeds.
bool commits(atomkv::backend::transaction& txn) {
  const operation write = operation::set("unrelated", "1");
  auto done = txn.commit(std::span<const operation>(&write, 1));
  REQUIRE(done);
  return done.value().has_value();
}

void set_until(atomkv::backend::bucket& bucket, std::string_view key, std::int64_t deadline) {
  REQUIRE(one(bucket, operation::set(key, "v", cond::always, false, expiry::at(deadline))).what ==
          op_result::kind::ok);
}

}  // namespace

TEST_CASE("EXEC fails when a watched key expires between WATCH and EXEC", "[watch]") {
  const bool with_store = GENERATE(false, true);
  INFO((with_store ? "store" : "keyspace alone"));
  auto [store, bucket] = make_subject(with_store);
  const std::int64_t deadline = unix_time_ms() + 50;
  set_until(*bucket, "k", deadline);
  auto txn = watching(*bucket, "k");
  sleep_past(deadline);
  if (with_store) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the thread reclaims it
  }
  CHECK_FALSE(commits(*txn));
}

TEST_CASE("a key already expired at WATCH is missing: its reclaiming is no change", "[watch]") {
  const bool with_store = GENERATE(false, true);
  INFO((with_store ? "store" : "keyspace alone"));
  auto [store, bucket] = make_subject(with_store);
  const std::int64_t deadline = unix_time_ms() + 20;
  set_until(*bucket, "k", deadline);
  sleep_past(deadline);
  auto txn = watching(*bucket, "k");
  CHECK(integer(*bucket, operation::exists("k")) == 0);
  CHECK(integer(*bucket, operation::count()) == 0);
  CHECK(commits(*txn));
}

TEST_CASE("a key already expired at WATCH and created again is a change", "[watch]") {
  auto [store, bucket] = make_subject(GENERATE(false, true));
  const std::int64_t deadline = unix_time_ms() + 20;
  set_until(*bucket, "k", deadline);
  sleep_past(deadline);
  auto txn = watching(*bucket, "k");
  REQUIRE(one(*bucket, operation::set("k", "again")).what == op_result::kind::ok);
  CHECK_FALSE(commits(*txn));
}

TEST_CASE("a watched missing key created with a deadline that passes before EXEC is a change",
          "[watch]") {
  auto [store, bucket] = make_subject(GENERATE(false, true));
  auto txn = watching(*bucket, "k");
  const std::int64_t deadline = unix_time_ms() + 20;
  set_until(*bucket, "k", deadline);
  sleep_past(deadline);
  CHECK_FALSE(commits(*txn));
}

TEST_CASE("setting or removing a deadline on a watched key is a write; a no-op is not", "[watch]") {
  auto [store, bucket] = make_subject(GENERATE(false, true));
  const std::int64_t far = unix_time_ms() + 600000;
  struct step {
    const char* name;
    bool with_deadline;  // the key's state before the step
    operation op;
    bool changes;
  };
  const std::vector<step> steps = {
      {"expire", false, operation::expire("k", expiry::at(far)), true},
      {"expire to the same deadline", true, operation::expire("k", expiry::at(far)), true},
      {"expire NX on a key with a deadline", true,
       operation::expire("k", expiry::at(far + 1), atomkv::expire_if_none), false},
      {"expire on a missing key", false, operation::expire("other", expiry::at(far)), false},
      {"persist", true, operation::persist("k"), true},
      {"persist without a deadline", false, operation::persist("k"), false},
      {"GETEX keep", true, operation::get_and_expire("k", expiry::keep()), false},
      {"GETEX PERSIST", true, operation::get_and_expire("k", expiry::never()), true},
      {"GETEX PERSIST without a deadline", false, operation::get_and_expire("k", expiry::never()),
       false},
      {"GETEX PXAT", false, operation::get_and_expire("k", expiry::at(far)), true},
      {"GETEX in the past", false, operation::get_and_expire("k", expiry::at(1)), true},
      {"time left", true, operation::time_left("k"), false},
      {"set KEEPTTL", true, operation::set("k", "v", cond::always, false, expiry::keep()), true},
  };
  for (const auto& s : steps) {
    INFO(s.name);
    if (s.with_deadline) {
      set_until(*bucket, "k", far);
    } else {
      REQUIRE(one(*bucket, operation::set("k", "v")).what == op_result::kind::ok);
    }
    auto txn = watching(*bucket, "k");
    one(*bucket, s.op);
    CHECK(commits(*txn) == !s.changes);
  }
}
