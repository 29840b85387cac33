// SWAPDB's operation on atomkv's own backends: two databases of one store trade every key with
// its deadline, and a watch fails exactly when Redis's dbSwapDatabases would touch it. On Redis
// it is SWAPDB itself, which the proxy's differential scripts compare with redis-server.

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "conformance/fixture.hpp"

using atomkv::expiry;
using atomkv::op_result;
using atomkv::operation;
using atomkv::conformance::fixture;
using database = std::shared_ptr<atomkv::backend::bucket>;

namespace {

constexpr std::int64_t kMinute = 60'000;

bool on_redis() {
  return atomkv::conformance::backend_url().rfind("redis", 0) == 0;
}

database open_database(const fixture& f, std::size_t n) {
  auto opened = f.store.backend().open_database(n);
  REQUIRE(opened);
  return opened.value();
}

op_result apply_one(atomkv::backend::bucket& db, const operation& op) {
  std::vector<operation> ops{op};
  auto applied = db.apply(ops);
  REQUIRE(applied);
  REQUIRE(applied.value().size() == 1);
  return applied.value()[0];
}

// For worker threads, where Catch's assertions are not thread-safe.
op_result apply_unchecked_in(atomkv::backend::bucket& db, const operation& op) {
  std::vector<operation> ops{op};
  auto applied = db.apply(ops);
  if (!applied || applied.value().size() != 1) {
    return op_result::failed("ERR apply failed");
  }
  return applied.value()[0];
}

op_result value(std::string_view v) {
  return op_result::of_value(std::string(v));
}

// A transaction on `db` watching `key`, then `swap` applied, then whether the commit applied.
bool commits_after_swap(database db, const std::string& key, database swapper,
                        const operation& swap) {
  auto txn = db->begin();
  REQUIRE(txn);
  std::vector<std::string_view> keys{key};
  REQUIRE(txn.value()->watch(keys, false));
  REQUIRE(apply_one(*swapper, swap) == op_result::ok());
  std::vector<operation> ops{operation::exists(key)};
  auto committed = txn.value()->commit(ops);
  REQUIRE(committed);
  return committed.value().has_value();
}

}  // namespace

TEST_CASE_METHOD(fixture, "swap_databases trades every key with its value and deadline",
                 "[swap-databases]") {
  if (on_redis()) {
    return;
  }
  database zero = open_database(*this, 0), one = open_database(*this, 1);
  const std::string a = bucket_name + ":a", b = bucket_name + ":b", c = bucket_name + ":c";
  REQUIRE(apply_one(*zero, operation::set(a, "1", operation::condition::always, false,
                                          expiry::after(kMinute))) == op_result::ok());
  REQUIRE(apply_one(*zero, operation::set(c, "zero")) == op_result::ok());
  REQUIRE(apply_one(*one, operation::set(b, "2")) == op_result::ok());
  REQUIRE(apply_one(*one, operation::set(c, "one")) == op_result::ok());

  const op_result keys_before[] = {apply_one(*zero, operation::count()),
                                   apply_one(*one, operation::count())};
  const op_result expiring_before[] = {apply_one(*zero, operation::count_expiring()),
                                       apply_one(*one, operation::count_expiring())};
  CHECK(expiring_before[0].integer >= 1);
  CHECK(apply_one(*zero, operation::swap_databases(0, 1)) == op_result::ok());
  CHECK(apply_one(*zero, operation::get(a)) == op_result::nil());
  CHECK(apply_one(*zero, operation::get(b)) == value("2"));
  CHECK(apply_one(*zero, operation::get(c)) == value("one"));
  CHECK(apply_one(*one, operation::get(a)) == value("1"));
  CHECK(apply_one(*one, operation::get(b)) == op_result::nil());
  CHECK(apply_one(*one, operation::get(c)) == value("zero"));
  const op_result left = apply_one(*one, operation::time_left(a));
  CHECK(left.integer > kMinute - 10'000);
  CHECK(left.integer <= kMinute);
  CHECK(apply_one(*zero, operation::time_left(c)) == op_result::of_integer(-1));
  // The keys and deadlines each database counts moved too.
  CHECK(apply_one(*one, operation::count()) == keys_before[0]);
  CHECK(apply_one(*zero, operation::count()) == keys_before[1]);
  CHECK(apply_one(*one, operation::count_expiring()) == expiring_before[0]);
  CHECK(apply_one(*zero, operation::count_expiring()) == expiring_before[1]);

  // Back again from the other side; a database swapped with itself changes nothing.
  CHECK(apply_one(*one, operation::swap_databases(1, 0)) == op_result::ok());
  CHECK(apply_one(*zero, operation::swap_databases(0, 0)) == op_result::ok());
  CHECK(apply_one(*zero, operation::get(a)) == value("1"));
  CHECK(apply_one(*zero, operation::get(c)) == value("zero"));
  CHECK(apply_one(*one, operation::get(b)) == value("2"));
  CHECK(apply_one(*one, operation::get(c)) == value("one"));
  for (const auto& key : {a, b, c}) {
    apply_one(*zero, operation::remove(key));
    apply_one(*one, operation::remove(key));
  }
}

TEST_CASE_METHOD(fixture, "swap_databases touches a watched key live in either database only",
                 "[swap-databases]") {
  if (on_redis()) {
    return;
  }
  database zero = open_database(*this, 0), one = open_database(*this, 1);
  const std::string here = bucket_name + ":here", there = bucket_name + ":there",
                    neither = bucket_name + ":neither", stale = bucket_name + ":stale";
  REQUIRE(apply_one(*zero, operation::set(here, "v")) == op_result::ok());
  REQUIRE(apply_one(*one, operation::set(there, "v")) == op_result::ok());
  REQUIRE(apply_one(*zero, operation::set(bucket_name + ":other", "v")) == op_result::ok());
  const operation swap = operation::swap_databases(0, 1);
  const operation swap_back = operation::swap_databases(1, 0);

  // Live where it is watched: the swap takes it away.
  CHECK_FALSE(commits_after_swap(zero, here, zero, swap));
  // Missing where it is watched, live in the other database: the swap brings it.
  CHECK_FALSE(commits_after_swap(zero, here, one, swap_back));
  // Live in neither (the databases trade other keys): no change, as in Redis.
  CHECK(commits_after_swap(zero, neither, one, swap_back));
  // Past its deadline in the other database, missing here: no change either.
  REQUIRE(apply_one(*one, operation::set(stale, "v", operation::condition::always, false,
                                         expiry::after(1))) == op_result::ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(commits_after_swap(zero, stale, zero, swap));
  CHECK(apply_one(*zero, operation::exists(stale)) == op_result::of_integer(0));
  CHECK(apply_one(*one, operation::exists(stale)) == op_result::of_integer(0));

  // Missing where it is watched, swapped in and out again: still a change (no ABA).
  {
    auto txn = one->begin();
    REQUIRE(txn);
    std::vector<std::string_view> keys{here};
    REQUIRE(apply_one(*one, operation::exists(here)) == op_result::of_integer(0));
    REQUIRE(txn.value()->watch(keys, false));
    REQUIRE(apply_one(*zero, swap) == op_result::ok());
    REQUIRE(apply_one(*one, operation::exists(here)) == op_result::of_integer(1));
    REQUIRE(apply_one(*zero, swap) == op_result::ok());
    REQUIRE(apply_one(*one, operation::exists(here)) == op_result::of_integer(0));
    std::vector<operation> ops{operation::set(here, "w")};
    auto committed = txn.value()->commit(ops);
    REQUIRE(committed);
    CHECK_FALSE(committed.value().has_value());
  }
  for (const auto& key : {here, there, bucket_name + ":other"}) {
    apply_one(*zero, operation::remove(key));
    apply_one(*one, operation::remove(key));
  }
}

TEST_CASE_METHOD(fixture, "swap_databases on memory is applied alone", "[swap-databases]") {
  if (atomkv::conformance::backend_url().rfind("memory", 0) != 0) {
    return;  // SQLite applies it inside a batch as well, in one write transaction
  }
  database zero = open_database(*this, 0);
  const std::string k = bucket_name + ":k";
  std::vector<operation> ops{operation::set(k, "v"), operation::swap_databases(0, 1)};
  auto applied = zero->apply(ops);
  REQUIRE(applied);
  REQUIRE(applied.value().size() == 2);
  CHECK(applied.value()[0] == op_result::ok());
  CHECK(applied.value()[1].what == op_result::kind::error);
  CHECK(apply_one(*zero, operation::get(k)) == value("v"));
  apply_one(*zero, operation::remove(k));
}

// Swaps both ways, copies across and increments at once: none waits forever, and since each
// increment lands in one database and every swap moves values whole, the two databases' counters
// add up to the exact number of increments.
TEST_CASE_METHOD(fixture, "swaps, copies across and increments at once keep the exact total",
                 "[swap-databases][concurrency]") {
  if (on_redis()) {
    return;
  }
  database zero = open_database(*this, 0), one = open_database(*this, 1);
  const std::string counter = bucket_name + ":counter", copied = bucket_name + ":copied";
  REQUIRE(apply_one(*zero, operation::set(copied, "v")) == op_result::ok());
  constexpr int incrementers = 4, per_incrementer = 500, swaps = 100, copies = 200;
  std::atomic<int> failed{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < incrementers; ++t) {
    workers.emplace_back([&, t] {
      auto& db = t % 2 == 0 ? *zero : *one;
      for (int i = 0; i < per_incrementer; ++i) {
        if (apply_unchecked_in(db, operation::increment(counter, 1)).what !=
            op_result::kind::integer) {
          ++failed;
        }
      }
    });
  }
  for (int t = 0; t < 2; ++t) {
    workers.emplace_back([&, t] {
      auto& db = t == 0 ? *zero : *one;
      const operation swap =
          t == 0 ? operation::swap_databases(0, 1) : operation::swap_databases(1, 0);
      for (int i = 0; i < swaps; ++i) {
        if (apply_unchecked_in(db, swap) != op_result::ok()) {
          ++failed;
        }
      }
    });
  }
  workers.emplace_back([&] {
    const operation copy = operation::copy_to_database(copied, copied, true, 1, 0);
    for (int i = 0; i < copies; ++i) {
      if (apply_unchecked_in(*zero, copy).what != op_result::kind::integer) {
        ++failed;
      }
    }
  });
  for (auto& w : workers) {
    w.join();
  }
  CHECK(failed == 0);
  auto counted = [&](atomkv::backend::bucket& db) {
    op_result got = apply_one(db, operation::get(counter));
    return got.what == op_result::kind::value ? std::stoll(got.text) : 0;
  };
  CHECK(counted(*zero) + counted(*one) == incrementers * per_incrementer);
  for (const auto& key : {counter, copied}) {
    apply_one(*zero, operation::remove(key));
    apply_one(*one, operation::remove(key));
  }
}
