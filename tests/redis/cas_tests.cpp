// Compare-and-swap on Redis: WATCH + GET at make, MULTI/SET/EXEC at swap, on one connection.

#include <thread>
#include <vector>

#include "atomkv/atomics.hpp"
#include "atomkv/counter.hpp"
#include "helpers.hpp"

namespace atomkv::redis_tests {

TEST_CASE("a SET from redis-cli between make and swap fails it; the refreshed handle succeeds",
          "[cas]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  auto key = fresh("cas");
  REQUIRE(bucket.set(key, "before"));

  auto handle = atomics::cas::make(bucket, key);
  REQUIRE(handle);
  CHECK(handle.value().current().value() == "before");
  REQUIRE(server.cli("SET " + key + " from-cli") == "OK");

  auto swapped = atomics::swap(std::move(handle).value(), "from-library");
  REQUIRE_FALSE(swapped);
  REQUIRE(swapped.error().is_cas_failed());
  auto refreshed = std::move(swapped).error().take_refreshed();
  CHECK(refreshed.current().value() == "from-cli");
  CHECK(server.cli("GET " + key) == "from-cli");

  REQUIRE(atomics::swap(std::move(refreshed), "from-library"));
  CHECK(server.cli("GET " + key) == "from-library");
}

TEST_CASE("a handle dropped without swap releases its watch before its connection is reused",
          "[cas]") {
  auto& server = shared_server();
  // One connection, so the next transaction surely runs on the connection the handle used.
  auto bucket = open_or_fail(connect_or_fail(server.url() + "?pool_size=1"), "");
  auto watched = fresh("dropped");
  auto other = fresh("other");
  {
    auto handle = atomics::cas::make(bucket, watched);
    REQUIRE(handle);
  }
  server.cli("SET " + watched + " changed");

  auto txn = bucket.backend().begin();
  REQUIRE(txn);
  std::string_view keys[] = {other};
  REQUIRE(txn.value()->watch(keys, true));
  const operation write = operation::set(other, "committed");
  auto committed = txn.value()->commit(std::span<const operation>(&write, 1));
  REQUIRE(committed);
  CHECK(committed.value().has_value());  // a leftover watch on `watched` would make this nil
  CHECK(server.cli("GET " + other) == "committed");
}

TEST_CASE("a transaction whose connection broke never commits without its watches", "[cas]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "");
  auto key = fresh("lost-watch");
  REQUIRE(bucket.set(key, "before"));
  auto txn = bucket.backend().begin();
  REQUIRE(txn);
  std::string_view keys[] = {key};
  REQUIRE(txn.value()->watch(keys, false));
  // Every client connection but redis-cli's own goes: the watch with it.
  server.cli("CLIENT KILL TYPE normal SKIPME yes");
  server.cli("SET " + key + " from-cli");
  const operation write = operation::set(key, "unconditional");
  std::span<const operation> ops(&write, 1);
  CHECK_FALSE(txn.value()->commit(ops));  // the broken connection
  CHECK_FALSE(txn.value()->commit(ops));  // a new connection, but no watches: refused too
  CHECK(server.cli("GET " + key) == "from-cli");
  // Watching again starts afresh.
  REQUIRE(txn.value()->watch(keys, false));
  auto committed = txn.value()->commit(ops);
  REQUIRE(committed);
  CHECK(committed.value().has_value());
  CHECK(server.cli("GET " + key) == "unconditional");
}

TEST_CASE("a pool at its size limit makes callers wait, then fail after pool_wait", "[cas]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url() + "?pool_size=1&pool_wait_ms=200"), "");
  auto key = fresh("pool");
  auto handle = atomics::cas::make(bucket, key);  // holds the only connection
  REQUIRE(handle);

  auto starved = bucket.get(key);
  REQUIRE_FALSE(starved);
  CHECK(starved.error().message.find("busy") != std::string::npos);

  handle = failure(error::other("dropped"));  // gives the connection back
  CHECK(bucket.get(key));
}

TEST_CASE("a connection given back wakes a caller waiting on a full pool", "[cas]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url() + "?pool_size=1&pool_wait_ms=10000"), "");
  auto key = fresh("pool");
  auto handle = atomics::cas::make(bucket, key);
  REQUIRE(handle);
  std::thread releaser([h = std::move(handle).value()]() mutable {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(atomics::swap(std::move(h), "released"));
  });
  auto got = bucket.get(key);  // waits for the handle's connection
  releaser.join();
  REQUIRE(got);
  CHECK(got.value() == "released");  // the connection came back only after the swap's EXEC
}

TEST_CASE("16 threads x 1,000 cas-retry increments end at exactly 16,000", "[cas][concurrency]") {
  auto& server = shared_server();
  auto bucket = open_or_fail(connect_or_fail(server.url()), "cas16");
  const std::string key = "counter";
  constexpr int threads = 16;
  constexpr int rounds = 1000;
  std::atomic<long> failures{0};
  std::atomic<long> retries{0};

  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < rounds; ++i) {
        auto handle = atomics::cas::make(bucket, key);
        bool done = false;
        while (handle && !done) {
          auto now = handle.value().current().value();
          std::int64_t value = now ? counter::parse(*now).value_or(0) : 0;
          auto swapped = atomics::swap(std::move(handle).value(), counter::format(value + 1));
          if (swapped) {
            done = true;
          } else if (swapped.error().is_cas_failed()) {
            ++retries;
            handle = std::move(swapped).error().take_refreshed();
          } else {
            break;
          }
        }
        if (!done) {
          ++failures;
        }
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  CHECK(failures == 0);
  CHECK(bucket.get(key).value() == std::to_string(threads * rounds));
  CHECK(server.cli("GET cas16:counter") == std::to_string(threads * rounds));
  WARN("cas conflicts retried: " << retries.load());
}

}  // namespace atomkv::redis_tests
