// Group commit, observed through the writer's counters rather than timing: another connection
// holds the file's write lock while requests queue up, so what forms a group is deterministic.

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "atomkv/atomkv.hpp"
#include "temp_file.hpp"
#include "writer_probe.hpp"

using atomkv::op_result;
using atomkv::operation;
using atomkv::sqlite_tests::lock_holder;
using atomkv::sqlite_tests::open_store;
using atomkv::sqlite_tests::temp_file;
using atomkv::sqlite_tests::wait_for;

TEST_CASE("requests that queue while a commit is under way share one transaction",
          "[group-commit]") {
  temp_file file;
  auto opened = open_store(file);
  auto& store = opened.store;
  auto& bucket = opened.bucket;
  wait_for(*store, 0, 0);  // no earlier group still counted as running
  const auto before = store->stats();
  lock_holder holder(file.path());

  // Catch2 assertions are not thread-safe: workers count failures, the test thread checks.
  std::atomic<int> failures{0};
  auto increment = [&failures, b = bucket] {
    if (!b->increment("n", 1)) {
      ++failures;
    }
  };
  // The first request becomes a group of one, stuck waiting for the lock...
  std::vector<std::thread> threads;
  threads.emplace_back(increment);
  wait_for(*store, 0, 1);
  // ...while 15 more queue behind it.
  for (int i = 0; i < 15; ++i) {
    threads.emplace_back(increment);
  }
  wait_for(*store, 15, 1);
  holder.release();
  for (auto& t : threads) {
    t.join();
  }
  CHECK(failures == 0);
  const auto after = store->stats();
  CHECK(after.requests - before.requests == 16);
  CHECK(after.groups - before.groups == 2);
  CHECK(bucket->get("n").value() == "16");
}

TEST_CASE("a failed version check in a group writes nothing and spoils nothing else",
          "[group-commit]") {
  temp_file file;
  auto opened = open_store(file);
  auto& store = opened.store;
  auto& bucket = opened.bucket;
  REQUIRE(bucket->set("k", "old"));
  REQUIRE(bucket->set("text", "not a number"));

  auto stale = bucket->begin().value();
  auto fresh = bucket->begin().value();
  std::vector<std::string_view> k{"k"};
  std::vector<std::string_view> other{"other"};
  REQUIRE(stale->watch(k, false));
  REQUIRE(bucket->set("k", "theirs"));  // moves k after the stale watch
  REQUIRE(fresh->watch(other, false));

  // The group of the last set completes its caller before it stops counting as running.
  wait_for(*store, 0, 0);
  lock_holder holder(file.path());
  std::atomic<bool> first_ok{false};
  std::thread first([&first_ok, b = bucket] { first_ok = b->increment("first", 1).has_value(); });
  wait_for(*store, 0, 1);
  const auto before = store->stats();

  std::optional<std::vector<op_result>> stale_result, fresh_result;
  std::vector<op_result> batch_result;
  std::thread a([&] {
    std::vector<operation> ops{operation::set("k", "mine"), operation::set("stale-extra", "x")};
    stale_result = stale->commit(ops).value();
  });
  std::thread b([&] {
    std::vector<operation> ops{operation::set("other", "fresh"), operation::increment("c", 2)};
    fresh_result = fresh->commit(ops).value();
  });
  std::thread c([&] {
    std::vector<operation> ops{operation::increment("text", 1), operation::increment("c", 1)};
    batch_result = bucket->apply(ops).value();
  });
  wait_for(*store, 3, 1);
  holder.release();
  for (auto* t : {&first, &a, &b, &c}) {
    t->join();
  }
  CHECK(first_ok);
  const auto after = store->stats();
  CHECK(after.groups - before.groups == 2);  // the group of `first`, then the three together
  CHECK(after.requests - before.requests == 4);

  CHECK_FALSE(stale_result.has_value());
  CHECK(bucket->get("k").value() == "theirs");
  CHECK_FALSE(bucket->exists("stale-extra").value());
  REQUIRE(fresh_result.has_value());
  CHECK(bucket->get("other").value() == "fresh");
  REQUIRE(batch_result.size() == 2);
  CHECK(batch_result[0] == op_result::failed("ERR value is not an integer or out of range"));
  CHECK(bucket->get("text").value() == "not a number");
  CHECK(bucket->get("c").value() == "3");
}

TEST_CASE("a writer that cannot get the lock reports an error within its timeout",
          "[group-commit]") {
  temp_file file;
  {
    auto created = atomkv::connect(file.url());
    REQUIRE(created);
  }
  auto store = atomkv::connect(file.url("busy_timeout_ms=200"));
  REQUIRE(store);
  auto bucket = store.value().open("").value();
  lock_holder holder(file.path());
  auto sum = atomkv::atomics::increment(bucket, "n", 1);
  REQUIRE_FALSE(sum);
  CHECK(sum.error().code == atomkv::error::kind::other);
  CHECK(sum.error().message.find("locked") != std::string::npos);
  holder.release();
  CHECK(atomkv::atomics::increment(bucket, "n", 1).value() == 1);
}
