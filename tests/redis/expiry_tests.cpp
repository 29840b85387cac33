// Expiry on Redis is Redis's own: deadlines set through the library are the ones redis-cli
// reads, every kind and option reaches Redis as its own command, and WATCH treats deadlines as
// Redis 7.0 does (src/multi.c), inside our transactions too.

#include <chrono>
#include <cstdlib>
#include <thread>

#include "atomkv/atomics.hpp"
#include "atomkv/clock.hpp"
#include "helpers.hpp"

namespace atomkv::redis_tests {
namespace {

using namespace std::chrono_literals;

std::int64_t number(const std::string& text) {
  return std::strtoll(text.c_str(), nullptr, 10);
}

std::vector<op_result> apply_or_fail(const atomkv::bucket& bucket, std::span<const operation> ops) {
  auto applied = bucket.backend().apply(ops);
  if (!applied) {
    FAIL("apply failed: " << applied.error().message);
  }
  REQUIRE(applied.value().size() == ops.size());
  return std::move(applied).value();
}

op_result apply_one(const atomkv::bucket& bucket, const operation& op) {
  return apply_or_fail(bucket, std::span<const operation>(&op, 1)).front();
}

// Sleeps until the Unix clock is past `deadline_ms`.
void wait_past(std::int64_t deadline_ms) {
  while (unix_time_ms() <= deadline_ms + 5) {
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace

TEST_CASE("set with a deadline: PX and PXAT as redis-cli reads them, KEEPTTL, none clears",
          "[expiry]") {
  auto& server = shared_server();
  for (std::string name : {"", "exp"}) {
    auto bucket = open_or_fail(connect_or_fail(server.url()), name);
    std::string prefix = name.empty() ? "" : name + ":";
    auto key = fresh("set");
    using c = operation::condition;

    REQUIRE(bucket.set(key, "a", expiry::after(100'000)));
    auto left = number(server.cli("PTTL " + prefix + key));
    CHECK(left > 90'000);
    CHECK(left <= 100'000);

    const std::int64_t at = unix_time_ms() + 500'000;
    REQUIRE(bucket.set(key, "b", expiry::at(at)));
    CHECK(server.cli("PEXPIRETIME " + prefix + key) == std::to_string(at));

    REQUIRE(bucket.set(key, "c", expiry::keep()));
    CHECK(server.cli("PEXPIRETIME " + prefix + key) == std::to_string(at));
    CHECK(server.cli("GET " + prefix + key) == "c");

    // NX, XX and GET go with a deadline; a condition that fails changes no deadline.
    CHECK(apply_one(bucket, operation::set(key, "d", c::if_missing, true, expiry::after(5000))) ==
          op_result::of_value("c"));
    CHECK(server.cli("PEXPIRETIME " + prefix + key) == std::to_string(at));
    CHECK(apply_one(bucket, operation::set(key, "e", c::if_present, true, expiry::after(5000))) ==
          op_result::of_value("c"));
    CHECK(number(server.cli("PTTL " + prefix + key)) <= 5000);

    REQUIRE(bucket.set(key, "f"));  // a plain set leaves no deadline, as SET does
    CHECK(server.cli("PTTL " + prefix + key) == "-1");
    CHECK(server.cli("GET " + prefix + key) == "f");
  }
}

TEST_CASE("a deadline at or before now given to set or get_and_expire removes the key",
          "[expiry]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  using c = operation::condition;
  for (auto past : {expiry::after(0), expiry::after(-10), expiry::at(0), expiry::at(1000),
                    expiry::at(unix_time_ms() - 1)}) {
    auto key = fresh("past");
    REQUIRE(bucket.set(key, "old"));
    CHECK(apply_one(bucket, operation::set(key, "new", c::always, true, past)) ==
          op_result::of_value("old"));
    CHECK(server.cli("EXISTS " + key) == "0");

    REQUIRE(bucket.set(key, "old"));
    CHECK(apply_one(bucket, operation::get_and_expire(key, past)) == op_result::of_value("old"));
    CHECK(server.cli("EXISTS " + key) == "0");
  }
}

TEST_CASE("expire with NX, XX, GT and LT answers as PEXPIRE does; a past deadline deletes",
          "[expiry]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "exp");
  auto key = fresh("flags");
  const std::string stored = "exp:" + key;
  auto expire = [&](expiry deadline, std::uint8_t flags) {
    return apply_one(bucket, operation::expire(key, deadline, flags));
  };
  auto one = op_result::of_integer(1);
  auto zero = op_result::of_integer(0);

  CHECK(expire(expiry::after(1000), 0) == zero);  // missing key
  REQUIRE(bucket.set(key, "v"));
  CHECK(expire(expiry::after(100'000), expire_if_some) == zero);     // XX: no deadline yet
  CHECK(expire(expiry::after(100'000), expire_if_later) == zero);    // GT: none is infinite
  CHECK(expire(expiry::after(100'000), expire_if_none) == one);      // NX
  CHECK(expire(expiry::after(200'000), expire_if_none) == zero);     // NX: has one
  CHECK(expire(expiry::after(50'000), expire_if_later) == zero);     // GT: earlier
  CHECK(expire(expiry::after(200'000), expire_if_later) == one);     // GT: later
  CHECK(expire(expiry::after(300'000), expire_if_earlier) == zero);  // LT: later
  const std::int64_t at = unix_time_ms() + 60'000;
  CHECK(expire(expiry::at(at), expire_if_some | expire_if_earlier) == one);
  CHECK(server.cli("PEXPIRETIME " + stored) == std::to_string(at));

  // Redis's refusal of a combination is the operation's error.
  auto refused = expire(expiry::after(1000), expire_if_none | expire_if_later);
  CHECK(refused ==
        op_result::failed("ERR NX and XX, GT or LT options at the same time are not compatible"));
  CHECK(expire(expiry::after(1000), expire_if_later | expire_if_earlier) ==
        op_result::failed("ERR GT and LT options at the same time are not compatible"));

  CHECK(expire(expiry::after(-1), 0) == one);
  CHECK(server.cli("EXISTS " + stored) == "0");
  REQUIRE(bucket.set(key, "v"));
  CHECK(expire(expiry::at(1), 0) == one);
  CHECK(server.cli("EXISTS " + stored) == "0");

  // The library's forms.
  REQUIRE(bucket.set(key, "v"));
  CHECK(bucket.expire(key, expiry::after(30'000)).value());
  CHECK_FALSE(bucket.expire(fresh("missing"), expiry::after(30'000)).value());
}

TEST_CASE("persist, time_left, deadline and get_and_expire read and change Redis's deadline",
          "[expiry]") {
  auto& server = shared_server();
  for (std::string name : {"", "exp"}) {
    auto bucket = open_or_fail(connect_or_fail(server.url()), name);
    std::string stored_prefix = name.empty() ? "" : name + ":";
    auto key = fresh("read");
    const std::string stored = stored_prefix + key;

    CHECK(apply_one(bucket, operation::time_left(key)) == op_result::of_integer(-2));
    CHECK(apply_one(bucket, operation::deadline_of(key)) == op_result::of_integer(-2));
    CHECK(apply_one(bucket, operation::persist(key)) == op_result::of_integer(0));
    CHECK(apply_one(bucket, operation::get_and_expire(key, expiry::after(100))) ==
          op_result::nil());
    auto missing = bucket.time_to_live(key);
    REQUIRE(missing);
    CHECK_FALSE(missing.value().exists);

    REQUIRE(bucket.set(key, "v"));
    CHECK(apply_one(bucket, operation::time_left(key)) == op_result::of_integer(-1));
    CHECK(apply_one(bucket, operation::deadline_of(key)) == op_result::of_integer(-1));
    CHECK(apply_one(bucket, operation::persist(key)) == op_result::of_integer(0));
    auto forever = bucket.time_to_live(key);
    REQUIRE(forever);
    CHECK(forever.value().exists);
    CHECK_FALSE(forever.value().deadline_ms);

    CHECK(apply_one(bucket, operation::get_and_expire(key, expiry::after(100'000))) ==
          op_result::of_value("v"));
    auto left = apply_one(bucket, operation::time_left(key));
    CHECK(left.integer > 90'000);
    CHECK(left.integer <= 100'000);
    const std::int64_t at = unix_time_ms() + 400'000;
    CHECK(apply_one(bucket, operation::get_and_expire(key, expiry::at(at))) ==
          op_result::of_value("v"));
    CHECK(apply_one(bucket, operation::deadline_of(key)) == op_result::of_integer(at));
    CHECK(apply_one(bucket, operation::get_and_expire(key, expiry::keep())) ==
          op_result::of_value("v"));
    CHECK(server.cli("PEXPIRETIME " + stored) == std::to_string(at));
    auto timed = bucket.time_to_live(key);
    REQUIRE(timed);
    CHECK(timed.value().deadline_ms == at);
    REQUIRE(timed.value().left);
    CHECK(timed.value().left->count() > 300'000);

    CHECK(apply_one(bucket, operation::get_and_expire(key, expiry::never())) ==
          op_result::of_value("v"));
    CHECK(server.cli("PTTL " + stored) == "-1");
    server.cli("PEXPIRE " + stored + " 100000");
    CHECK(bucket.persist(key).value());
    CHECK(server.cli("PTTL " + stored) == "-1");
    CHECK_FALSE(bucket.persist(key).value());
  }
}

TEST_CASE("increment and cas swap treat the deadline as the contract says", "[expiry]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  auto key = fresh("counter");
  REQUIRE(bucket.set(key, "1", expiry::at(unix_time_ms() + 100'000)));
  const auto at = server.cli("PEXPIRETIME " + key);
  REQUIRE(atomics::increment(bucket, key, 1).value() == 2);
  CHECK(server.cli("PEXPIRETIME " + key) == at);

  auto kept = atomics::cas::make(bucket, key);
  REQUIRE(kept);
  REQUIRE(atomics::swap(std::move(kept).value(), "3", expiry::keep()));
  CHECK(server.cli("PEXPIRETIME " + key) == at);
  auto replaced = atomics::cas::make(bucket, key);
  REQUIRE(replaced);
  REQUIRE(atomics::swap(std::move(replaced).value(), "4", expiry::after(7'000'000)));
  CHECK(number(server.cli("PTTL " + key)) > 6'000'000);
  auto cleared = atomics::cas::make(bucket, key);
  REQUIRE(cleared);
  REQUIRE(atomics::swap(std::move(cleared).value(), "5"));
  CHECK(server.cli("PTTL " + key) == "-1");
}

TEST_CASE("Redis's errors on expiry commands stay the operation's own", "[expiry]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  auto list = fresh("list");
  auto text = fresh("text");
  server.cli("RPUSH " + list + " a");
  REQUIRE(bucket.set(text, "v"));
  const operation ops[] = {
      operation::get_and_expire(list, expiry::after(1000)),
      operation::expire(text, expiry::after(50'000)),
      operation::time_left(list),  // PTTL reads any type
  };
  auto results = apply_or_fail(bucket, ops);
  CHECK(results[0].what == op_result::kind::error);
  CHECK(results[0].text.starts_with("WRONGTYPE "));
  CHECK(results[1] == op_result::of_integer(1));
  CHECK(results[2] == op_result::of_integer(-1));
}

TEST_CASE("count_expiring and average_ttl: INFO keyspace of the database, a script on a bucket",
          "[expiry]") {
  testing::redis_server server;  // its own, so that the counts are exact
  REQUIRE(server.running());
  // Database 2, so that the line of INFO keyspace read is the right one of several.
  server.cli("SET other 1 PX 5000");
  auto store = connect_or_fail(server.url() + "/2");
  auto plain = open_or_fail(store, "");
  auto bucket = open_or_fail(store, "b*");
  const operation counts[] = {operation::count_expiring(), operation::average_ttl()};

  auto empty = apply_or_fail(plain, counts);
  CHECK(empty == std::vector<op_result>{op_result::of_integer(0), op_result::of_integer(0)});
  CHECK(apply_or_fail(bucket, counts) == empty);

  REQUIRE(plain.set("forever", "v"));
  REQUIRE(plain.set("soon", "v", expiry::after(100'000)));
  REQUIRE(bucket.set("later", "v", expiry::after(300'000)));
  REQUIRE(bucket.set("later2", "v", expiry::after(500'000)));
  REQUIRE(bucket.set("forever", "v"));
  REQUIRE(bucket.set("gone", "v", expiry::at(1)));  // logically expired at once

  auto in_bucket = apply_or_fail(bucket, counts);
  CHECK(in_bucket[0] == op_result::of_integer(2));
  CHECK(in_bucket[1].integer > 390'000);
  CHECK(in_bucket[1].integer <= 400'000);

  // INFO keyspace counts the whole database, the bucket's keys included, once the expired key
  // is reclaimed (here by a read); avg_ttl is Redis's own estimate, kept by its expiry cycle.
  CHECK(bucket.get("gone").value() == std::nullopt);
  auto in_db = apply_or_fail(plain, counts);
  CHECK(in_db[0] == op_result::of_integer(3));
  const std::string info = server.cli("INFO keyspace");
  CHECK(info.find("db2:keys=5,expires=3,avg_ttl=") != std::string::npos);
  CHECK(in_db[1].what == op_result::kind::integer);
}

TEST_CASE("expired_total is INFO stats' expired_keys", "[expiry]") {
  testing::redis_server server;
  REQUIRE(server.running());
  auto bucket = open_or_fail(connect_or_fail(server.url()), "b");
  const operation total = operation::expired_total();
  CHECK(apply_one(bucket, total) == op_result::of_integer(0));
  REQUIRE(bucket.set("k", "v", expiry::after(1)));
  std::this_thread::sleep_for(20ms);
  CHECK(bucket.get("k").value() == std::nullopt);  // lazily removed: one expired key
  CHECK(apply_one(bucket, total) == op_result::of_integer(1));
}

TEST_CASE("expiry operations inside a transaction with watches", "[expiry][transaction]") {
  auto& server = shared_server();
  for (std::string name : {"", "txn"}) {
    auto bucket = open_or_fail(connect_or_fail(server.url()), name);
    const std::string prefix = name.empty() ? "" : name + ":";
    auto key = fresh("in-multi");
    auto other = fresh("in-multi");
    REQUIRE(bucket.set(other, "o"));
    auto begun = bucket.backend().begin();
    REQUIRE(begun);
    auto txn = std::move(begun).value();
    const std::string_view keys[] = {key};
    REQUIRE(txn->watch(keys, true));
    const operation ops[] = {
        operation::set(key, "v", operation::condition::always, false, expiry::after(100'000)),
        operation::time_left(key),
        operation::expire(other, expiry::after(200'000), expire_if_none),
        operation::get_and_expire(other, expiry::never()),
        operation::persist(key),
        operation::deadline_of(key),
        operation::count_expiring(),
        operation::expired_total(),
    };
    auto committed = txn->commit(ops);
    REQUIRE(committed);
    REQUIRE(committed.value());
    const auto& results = *committed.value();
    REQUIRE(results.size() == std::size(ops));
    CHECK(results[0] == op_result::ok());
    CHECK(results[1].integer > 90'000);
    CHECK(results[2] == op_result::of_integer(1));
    CHECK(results[3] == op_result::of_value("o"));
    CHECK(results[4] == op_result::of_integer(1));
    CHECK(results[5] == op_result::of_integer(-1));
    CHECK(results[6].what == op_result::kind::integer);
    CHECK(results[7].what == op_result::kind::integer);
    CHECK(server.cli("PTTL " + prefix + other) == "-1");
  }
}

TEST_CASE("WATCH: a watched key that expires before commit is a conflict", "[expiry][watch]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "w");
  auto key = fresh("expiring");
  const std::int64_t deadline = unix_time_ms() + 1000;
  REQUIRE(bucket.set(key, "v", expiry::at(deadline)));
  auto handle = atomics::cas::make(bucket, key);
  REQUIRE(handle);
  REQUIRE(handle.value().current().value() == "v");  // it existed unexpired at WATCH time
  wait_past(deadline);                               // nobody touches it meanwhile
  auto swapped = atomics::swap(std::move(handle).value(), "mine");
  REQUIRE_FALSE(swapped);
  CHECK(swapped.error().is_cas_failed());
  CHECK(server.cli("EXISTS w:" + key) == "0");
}

TEST_CASE("WATCH: a key already expired when watched is missing, and its removal is no change",
          "[expiry][watch]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "w");
  for (bool removed_meanwhile : {false, true}) {
    auto key = fresh("expired");
    // PXAT 1: the key stays in Redis's table, logically expired, until something touches it.
    REQUIRE(bucket.set(key, "v", expiry::at(1)));
    auto handle = atomics::cas::make(bucket, key);
    REQUIRE(handle);
    CHECK(handle.value().current().value() == std::nullopt);
    if (removed_meanwhile) {
      CHECK(server.cli("GET w:" + key) == "");  // another client's read removes it by expiry
    }
    REQUIRE(atomics::swap(std::move(handle).value(), "mine"));
    CHECK(server.cli("GET w:" + key) == "mine");
  }
}

TEST_CASE("WATCH: setting or removing a deadline on a watched key is a write", "[expiry][watch]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  const std::string changes[] = {"PEXPIRE {} 100000", "PERSIST {}", "GETEX {} PX 200000"};
  for (const auto& change : changes) {
    auto key = fresh("deadline");
    REQUIRE(bucket.set(key, "v", expiry::after(500'000)));
    auto handle = atomics::cas::make(bucket, key);
    REQUIRE(handle);
    std::string command = change;
    command.replace(command.find("{}"), 2, key);
    server.cli(command);
    auto swapped = atomics::swap(std::move(handle).value(), "mine");
    REQUIRE_FALSE(swapped);
    CHECK(swapped.error().is_cas_failed());
    CHECK(server.cli("GET " + key) == "v");
  }
  // Through our own transaction: expire on a watched key conflicts another watcher.
  auto key = fresh("deadline");
  REQUIRE(bucket.set(key, "v"));
  auto handle = atomics::cas::make(bucket, key);
  REQUIRE(handle);
  REQUIRE(bucket.expire(key, expiry::after(100'000)).value());
  auto swapped = atomics::swap(std::move(handle).value(), "mine");
  REQUIRE_FALSE(swapped);
  CHECK(swapped.error().is_cas_failed());
}

}  // namespace atomkv::redis_tests
