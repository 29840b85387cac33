// The keyspace steps of the backend contract (RENAME, RENAMENX, COPY, MOVE, RANDOMKEY) with
// Redis 7.0's results and errors on every backend (src/db.c): the deadline moves or is copied with
// the value, and a step is a write for WATCH on exactly the keys Redis signals modified. Steps over
// two keys use a one-slot bucket, as Redis Cluster requires.

#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "conformance/fixture.hpp"

using atomkv::expiry;
using atomkv::op_result;
using atomkv::operation;
using atomkv::conformance::apply_unchecked;
using atomkv::conformance::fixture;
using atomkv::conformance::one_slot_fixture;

namespace {

constexpr std::int64_t kMinute = 60'000;

op_result run(const atomkv::bucket& bucket, const operation& op) {
  std::vector<operation> ops{op};
  auto applied = bucket.backend().apply(ops);
  REQUIRE(applied);
  REQUIRE(applied.value().size() == 1);
  return applied.value()[0];
}

op_result integer(std::int64_t i) {
  return op_result::of_integer(i);
}

// Milliseconds the key has left; -1 with no deadline, -2 when missing.
std::int64_t left(const atomkv::bucket& bucket, std::string_view key) {
  return run(bucket, operation::time_left(key)).integer;
}

// Whether a commit watching `key` fails after another client ran `op`.
bool breaks_watch(const fixture& f, std::string_view key, const operation& op) {
  auto txn = f.bucket.backend().begin();
  REQUIRE(txn);
  std::vector<std::string_view> keys{key};
  REQUIRE(txn.value()->watch(keys, false));
  run(f.other_client(), op);
  std::vector<operation> ops{operation::set("after", "x")};
  auto committed = txn.value()->commit(ops);
  REQUIRE(committed);
  return !committed.value().has_value();
}

}  // namespace

TEST_CASE_METHOD(one_slot_fixture, "rename moves the value and its deadline", "[keyspace-step]") {
  REQUIRE(bucket.set("a", "1", expiry::after(kMinute)));
  REQUIRE(bucket.set("b", "2"));
  CHECK(run(bucket, operation::rename("a", "b")) == op_result::ok());
  CHECK_FALSE(bucket.exists("a").value());
  CHECK(bucket.get("b").value() == "1");
  CHECK(left(bucket, "b") > 0);
  // A destination's own deadline goes with its old value.
  REQUIRE(bucket.set("c", "3"));
  REQUIRE(bucket.set("d", "4", expiry::after(kMinute)));
  CHECK(run(bucket, operation::rename("c", "d")) == op_result::ok());
  CHECK(left(bucket, "d") == -1);
  CHECK(run(bucket, operation::rename("missing", "d")) == op_result::failed("ERR no such key"));
  CHECK(run(bucket, operation::rename("missing", "missing")) ==
        op_result::failed("ERR no such key"));
  CHECK(run(bucket, operation::rename("d", "d")) == op_result::ok());
  CHECK(bucket.get("d").value() == "3");
}

TEST_CASE_METHOD(one_slot_fixture, "renamenx moves only onto a missing key", "[keyspace-step]") {
  REQUIRE(bucket.set("a", "1", expiry::after(kMinute)));
  REQUIRE(bucket.set("b", "2"));
  CHECK(run(bucket, operation::rename("a", "b", true)) == integer(0));
  CHECK(bucket.get("a").value() == "1");
  CHECK(bucket.get("b").value() == "2");
  CHECK(run(bucket, operation::rename("a", "a", true)) == integer(0));
  CHECK(run(bucket, operation::rename("a", "c", true)) == integer(1));
  CHECK_FALSE(bucket.exists("a").value());
  CHECK(bucket.get("c").value() == "1");
  CHECK(left(bucket, "c") > 0);
  CHECK(run(bucket, operation::rename("missing", "b", true)) ==
        op_result::failed("ERR no such key"));
}

TEST_CASE_METHOD(one_slot_fixture,
                 "rename is a write for WATCH on both keys, unless it moves nothing",
                 "[keyspace-step][transaction]") {
  REQUIRE(bucket.set("a", "1"));
  CHECK(breaks_watch(*this, "a", operation::rename("a", "b")));
  CHECK(breaks_watch(*this, "a", operation::rename("b", "a")));  // the destination
  CHECK_FALSE(breaks_watch(*this, "a", operation::rename("a", "a")));
  CHECK_FALSE(breaks_watch(*this, "a", operation::rename("a", "a", true)));
  CHECK_FALSE(breaks_watch(*this, "b", operation::rename("b", "a")));  // no source: an error
  REQUIRE(bucket.set("b", "2"));
  CHECK_FALSE(breaks_watch(*this, "a", operation::rename("b", "a", true)));
  CHECK_FALSE(breaks_watch(*this, "b", operation::rename("b", "a", true)));
  CHECK(breaks_watch(*this, "c", operation::rename("b", "c", true)));
}

TEST_CASE_METHOD(one_slot_fixture, "copy copies the value and its deadline, REPLACE overwrites",
                 "[keyspace-step]") {
  REQUIRE(bucket.set("a", "1", expiry::after(kMinute)));
  CHECK(run(bucket, operation::copy("a", "b", false)) == integer(1));
  CHECK(bucket.get("a").value() == "1");
  CHECK(bucket.get("b").value() == "1");
  CHECK(left(bucket, "b") > 0);
  REQUIRE(bucket.set("c", "3"));
  CHECK(run(bucket, operation::copy("c", "b", false)) == integer(0));
  CHECK(bucket.get("b").value() == "1");
  CHECK(run(bucket, operation::copy("c", "b", true)) == integer(1));
  CHECK(bucket.get("b").value() == "3");
  CHECK(left(bucket, "b") == -1);
  CHECK(run(bucket, operation::copy("missing", "b", true)) == integer(0));
  CHECK(bucket.get("b").value() == "3");
  CHECK(run(bucket, operation::copy("missing", "new", false)) == integer(0));
  CHECK_FALSE(bucket.exists("new").value());
}

TEST_CASE_METHOD(one_slot_fixture, "copy is a write for WATCH on the destination only",
                 "[keyspace-step][transaction]") {
  REQUIRE(bucket.set("a", "1"));
  CHECK(breaks_watch(*this, "b", operation::copy("a", "b", false)));
  CHECK_FALSE(breaks_watch(*this, "a", operation::copy("a", "c", false)));
  CHECK_FALSE(breaks_watch(*this, "b", operation::copy("a", "b", false)));  // b exists
  CHECK(breaks_watch(*this, "b", operation::copy("a", "b", true)));
  CHECK_FALSE(breaks_watch(*this, "d", operation::copy("missing", "d", true)));
}

TEST_CASE_METHOD(one_slot_fixture, "rename and copy run inside a commit in order",
                 "[keyspace-step][transaction]") {
  auto txn = bucket.backend().begin();
  REQUIRE(txn);
  std::vector<operation> ops{operation::set("a", "1"), operation::rename("a", "b"),
                             operation::copy("b", "c", false), operation::rename("a", "d"),
                             operation::get("c")};
  auto committed = txn.value()->commit(ops);
  REQUIRE(committed);
  REQUIRE(committed.value().has_value());
  const auto& results = *committed.value();
  CHECK(results[1] == op_result::ok());
  CHECK(results[2] == integer(1));
  CHECK(results[3] == op_result::failed("ERR no such key"));
  CHECK(results[4] == op_result::of_value("1"));
}

TEST_CASE_METHOD(fixture, "randomkey draws a live key of the bucket, nil when there is none",
                 "[keyspace-step]") {
  CHECK(run(bucket, operation::random_key()) == op_result::nil());
  REQUIRE(bucket.set("a", "1"));
  CHECK(run(bucket, operation::random_key()) == op_result::of_value("a"));
  REQUIRE(bucket.set("b", "2"));
  REQUIRE(bucket.set("c", "3"));
  std::set<std::string> seen;
  for (int i = 0; i < 100 && seen.size() < 3; ++i) {
    op_result drawn = run(bucket, operation::random_key());
    REQUIRE(drawn.what == op_result::kind::value);
    seen.insert(drawn.text);
  }
  CHECK(seen == std::set<std::string>{"a", "b", "c"});
  REQUIRE(run(bucket, operation::clear()) == op_result::ok());
  CHECK(run(bucket, operation::random_key()) == op_result::nil());
  // Keys written after many deleted ones (tombstones, on SQLite) are drawn alike.
  for (int i = 0; i < 300; ++i) {
    REQUIRE(bucket.set("gone" + std::to_string(i), "x"));
  }
  REQUIRE(run(bucket, operation::clear()) == op_result::ok());
  REQUIRE(bucket.set("a", "1"));
  REQUIRE(bucket.set("b", "2"));
  seen.clear();
  for (int i = 0; i < 100 && seen.size() < 2; ++i) {
    seen.insert(run(bucket, operation::random_key()).text);
  }
  CHECK(seen == std::set<std::string>{"a", "b"});
}

TEST_CASE_METHOD(one_slot_fixture,
                 "8 threads renaming one key back and forth never lose or copy it",
                 "[keyspace-step][concurrency]") {
  constexpr int threads = 8;
  constexpr int per_thread = 200;
  REQUIRE(bucket.set("x", "v", expiry::after(kMinute)));
  std::atomic<int> moved{0}, unexpected{0};
  // Connected here: other_client() reports a failure with Catch, which workers must not call.
  std::vector<atomkv::bucket> clients;
  for (int t = 0; t < threads; ++t) {
    clients.push_back(other_client());
  }
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto& client = clients[t];
      for (int i = 0; i < per_thread; ++i) {
        const bool forth = (t + i) % 2 == 0;
        op_result r = apply_unchecked(
            client, operation::rename(forth ? "x" : "y", forth ? "y" : "x", i % 3 == 0));
        if (r == op_result::ok() || r == integer(1)) {
          ++moved;
        } else if (r != op_result::failed("ERR no such key") && r != integer(0)) {
          ++unexpected;
        }
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  CHECK(unexpected == 0);
  CHECK(moved > 0);
  const bool at_x = bucket.exists("x").value();
  CHECK(at_x != bucket.exists("y").value());
  CHECK(bucket.get(at_x ? "x" : "y").value() == "v");
  CHECK(left(bucket, at_x ? "x" : "y") > 0);
}

// COPY ... DB between two databases of one store (the proxy's), both ways at once: each step
// holds a stripe of its own bucket while it waits for the other's, and none waits forever.
TEST_CASE_METHOD(fixture, "copies between two databases both ways at once all complete",
                 "[keyspace-step][concurrency]") {
  if (atomkv::conformance::backend_url().rfind("redis", 0) == 0) {
    return;  // Redis's own COPY ... DB: the proxy's differential scripts compare it
  }
  auto zero = store.backend().open_database(0);
  auto one = store.backend().open_database(1);
  REQUIRE(zero);
  REQUIRE(one);
  const std::string key = bucket_name + ":k";
  std::vector<operation> seed{operation::set(key, "v")};
  REQUIRE(zero.value()->apply(seed));
  REQUIRE(one.value()->apply(seed));
  constexpr int threads = 8;
  constexpr int per_thread = 200;
  std::atomic<int> copied{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const bool up = t % 2 == 0;
      auto& from = up ? *zero.value() : *one.value();
      std::vector<operation> ops{
          operation::copy_to_database(key, key, true, up ? 1 : 0, up ? 0 : 1)};
      for (int i = 0; i < per_thread; ++i) {
        auto done = from.apply(ops);
        if (done && done.value()[0] == integer(1)) {
          ++copied;
        }
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  CHECK(copied == threads * per_thread);
  std::vector<operation> cleanup{operation::remove(key)};
  REQUIRE(zero.value()->apply(cleanup));
  REQUIRE(one.value()->apply(cleanup));
}

namespace {

// Databases 0 and 1 of the fixture's store, as the proxy's SELECT numbers them; skipped on
// Redis, whose own COPY ... DB and MOVE the proxy's differential scripts compare.
bool open_two_databases(const fixture& f, std::shared_ptr<atomkv::backend::bucket>& zero,
                        std::shared_ptr<atomkv::backend::bucket>& one) {
  if (atomkv::conformance::backend_url().rfind("redis", 0) == 0) {
    return false;
  }
  auto first = f.store.backend().open_database(0);
  auto second = f.store.backend().open_database(1);
  REQUIRE(first);
  REQUIRE(second);
  zero = first.value();
  one = second.value();
  return true;
}

op_result apply_in(atomkv::backend::bucket& db, const operation& op) {
  std::vector<operation> ops{op};
  auto applied = db.apply(ops);
  REQUIRE(applied);
  REQUIRE(applied.value().size() == 1);
  return applied.value()[0];
}

}  // namespace

TEST_CASE_METHOD(fixture, "move takes the key and its deadline to another database, never onto one",
                 "[keyspace-step]") {
  std::shared_ptr<atomkv::backend::bucket> zero, one;
  if (!open_two_databases(*this, zero, one)) {
    return;
  }
  const std::string a = bucket_name + ":a", b = bucket_name + ":b";
  REQUIRE(apply_in(*zero, operation::set(a, "1", operation::condition::always, false,
                                         expiry::after(kMinute))) == op_result::ok());
  CHECK(apply_in(*zero, operation::move_to_database(a, 1, 0)) == integer(1));
  CHECK(apply_in(*zero, operation::exists(a)) == integer(0));
  CHECK(apply_in(*one, operation::get(a)) == op_result::of_value("1"));
  CHECK(apply_in(*one, operation::time_left(a)).integer > 0);
  // A missing source, or a key the target database has already, moves nothing.
  CHECK(apply_in(*zero, operation::move_to_database(a, 1, 0)) == integer(0));
  REQUIRE(apply_in(*zero, operation::set(b, "zero")) == op_result::ok());
  REQUIRE(apply_in(*one, operation::set(b, "one")) == op_result::ok());
  CHECK(apply_in(*zero, operation::move_to_database(b, 1, 0)) == integer(0));
  CHECK(apply_in(*zero, operation::get(b)) == op_result::of_value("zero"));
  CHECK(apply_in(*one, operation::get(b)) == op_result::of_value("one"));
  // And back, inside a commit that watches the key in the source database.
  auto txn = one->begin();
  REQUIRE(txn);
  std::vector<std::string_view> watched{a};
  REQUIRE(txn.value()->watch(watched, false));
  std::vector<operation> ops{operation::move_to_database(a, 0, 1), operation::exists(a)};
  auto committed = txn.value()->commit(ops);
  REQUIRE(committed);
  REQUIRE(committed.value().has_value());
  CHECK(committed.value().value() == std::vector<op_result>{integer(1), integer(0)});
  CHECK(apply_in(*zero, operation::get(a)) == op_result::of_value("1"));
  // A step whose other database is its own bucket (a library bucket opened by that database's
  // name) neither waits on its own lock nor loses the key: MOVE is refused as Redis refuses a
  // move within one database, COPY copies within the bucket.
  const std::string c = bucket_name + ":c";
  CHECK(apply_in(*one, operation::move_to_database(b, 1, 0)) ==
        op_result::failed("ERR source and destination objects are the same"));
  CHECK(apply_in(*one, operation::get(b)) == op_result::of_value("one"));
  CHECK(apply_in(*one, operation::copy_to_database(b, c, false, 1, 0)) == integer(1));
  CHECK(apply_in(*one, operation::get(c)) == op_result::of_value("one"));
  for (const auto& key : {a, b, c}) {
    apply_in(*zero, operation::remove(key));
    apply_in(*one, operation::remove(key));
  }
}

TEST_CASE_METHOD(fixture, "a move is a write for WATCH in both databases", "[keyspace-step]") {
  std::shared_ptr<atomkv::backend::bucket> zero, one;
  if (!open_two_databases(*this, zero, one)) {
    return;
  }
  const std::string k = bucket_name + ":k";
  for (auto* watched_db : {zero.get(), one.get()}) {
    REQUIRE(apply_in(*zero, operation::set(k, "v")) == op_result::ok());
    auto txn = watched_db->begin();
    REQUIRE(txn);
    std::vector<std::string_view> watched{k};
    REQUIRE(txn.value()->watch(watched, false));
    CHECK(apply_in(*zero, operation::move_to_database(k, 1, 0)) == integer(1));
    const std::string after = bucket_name + ":after";  // outlives the operation's view of it
    std::vector<operation> ops{operation::set(after, "x")};
    auto committed = txn.value()->commit(ops);
    REQUIRE(committed);
    CHECK_FALSE(committed.value().has_value());
    apply_in(*one, operation::remove(k));
  }
}

// Eight threads move one key between two databases, each way: the key is never lost or doubled.
TEST_CASE_METHOD(fixture, "8 threads moving one key between two databases never lose or copy it",
                 "[keyspace-step][concurrency]") {
  std::shared_ptr<atomkv::backend::bucket> zero, one;
  if (!open_two_databases(*this, zero, one)) {
    return;
  }
  const std::string key = bucket_name + ":k";
  REQUIRE(apply_in(*zero, operation::set(key, "v", operation::condition::always, false,
                                         expiry::after(kMinute))) == op_result::ok());
  constexpr int threads = 8;
  constexpr int per_thread = 200;
  std::atomic<int> moved{0}, unexpected{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const bool up = t % 2 == 0;
      auto& from = up ? *zero : *one;
      std::vector<operation> ops{operation::move_to_database(key, up ? 1 : 0, up ? 0 : 1)};
      for (int i = 0; i < per_thread; ++i) {
        auto done = from.apply(ops);
        if (!done || done.value().size() != 1) {
          ++unexpected;
        } else if (done.value()[0] == integer(1)) {
          ++moved;
        } else if (done.value()[0] != integer(0)) {
          ++unexpected;
        }
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  CHECK(unexpected == 0);
  CHECK(moved > 0);
  const bool in_zero = apply_in(*zero, operation::exists(key)) == integer(1);
  const bool in_one = apply_in(*one, operation::exists(key)) == integer(1);
  CHECK(in_zero != in_one);
  auto& holder = in_zero ? *zero : *one;
  CHECK(apply_in(holder, operation::get(key)) == op_result::of_value("v"));
  CHECK(apply_in(holder, operation::time_left(key)).integer > 0);
  apply_in(holder, operation::remove(key));
}
