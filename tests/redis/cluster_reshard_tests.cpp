// Slots of a real Redis Cluster resharded with `redis-cli --cluster reshard` while threads
// increment counters and run cas retry loops on keys of those slots: the redis+cluster:// store
// follows MOVED and ASK as the keys migrate, and every total ends exact.

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"
#include "helpers.hpp"
#include "redis/hash_slot.hpp"
#include "support/redis_cluster.hpp"

using namespace std::chrono_literals;
using atomkv::redis::hash_slot;
using atomkv::redis_tests::connect_or_fail;
using atomkv::redis_tests::open_or_fail;
using atomkv::testing::redis_server;

using atomkv::testing::redis_cluster;

TEST_CASE("slots resharded under load: increments and cas loops end exact", "[cluster-reshard]") {
  redis_cluster cluster({.masters = 3, .replicas_per_master = 1});
  REQUIRE(cluster.running());
  auto store = connect_or_fail(cluster.url(6));
  auto bucket = open_or_fail(store, "reshard");

  // Every slot of the master of c0 moves to another master: its counters and the cas key too.
  redis_server* from = cluster.master_of(hash_slot("reshard:c0"));
  REQUIRE(from);
  redis_server* to = cluster.other_master(from);
  REQUIRE(to);
  std::string cas_key;
  for (int i = 0; cas_key.empty(); ++i) {
    const std::string candidate = "cas" + std::to_string(i);
    if (cluster.master_of(hash_slot("reshard:" + candidate)) == from) {
      cas_key = candidate;
    }
  }
  const int moving = redis_cluster::slots_served(*from);
  REQUIRE(moving > 0);

  constexpr int kIncrementers = 6, kCasThreads = 4, kKeys = 30;
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> acked{0}, unknown{0}, refused{0}, swaps{0}, cas_failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kIncrementers; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        auto added = atomkv::atomics::increment(bucket, "c" + std::to_string((t + i) % kKeys), 1);
        if (added) {
          ++acked;
        } else if (atomkv::outcome_unknown(added.error())) {
          ++unknown;
        } else {
          ++refused;
        }
      }
    });
  }
  for (int t = 0; t < kCasThreads; ++t) {
    threads.emplace_back([&] {
      while (!stop) {
        auto handle = atomkv::atomics::cas::make(bucket, cas_key);
        if (!handle) {
          ++cas_failures;
          continue;
        }
        auto cas = std::move(handle).value();
        for (;;) {
          const auto now = std::stoll(cas.current().value().value_or("0"));
          auto swapped = atomkv::atomics::swap(std::move(cas), std::to_string(now + 1));
          if (swapped) {
            ++swaps;
            break;
          }
          if (!swapped.error().is_cas_failed()) {
            ++cas_failures;  // not swapped: its outcome is counted apart below
            break;
          }
          cas = std::move(swapped).error().take_refreshed();
        }
      }
    });
  }
  std::this_thread::sleep_for(500ms);

  const auto started = std::chrono::steady_clock::now();
  const std::string resharded =
      from->cli("--cluster reshard 127.0.0.1:" + std::to_string(from->port()) + " --cluster-from " +
                redis_cluster::node_id(*from) + " --cluster-to " + redis_cluster::node_id(*to) +
                " --cluster-slots " + std::to_string(moving) + " --cluster-yes");
  const auto took = std::chrono::steady_clock::now() - started;
  std::this_thread::sleep_for(500ms);  // load on the new map
  stop = true;
  for (auto& thread : threads) {
    thread.join();
  }
  INFO(resharded.substr(resharded.size() > 2000 ? resharded.size() - 2000 : 0));
  REQUIRE(cluster.wait_ok());
  CHECK(redis_cluster::slots_served(*from) == 0);

  std::int64_t total = 0;
  for (int k = 0; k < kKeys; ++k) {
    auto value = bucket.get("c" + std::to_string(k));
    REQUIRE(value);
    total += std::stoll(value.value().value_or("0"));
  }
  const auto cas_total = std::stoll(bucket.get(cas_key).value().value_or("0"));
  WARN("reshard of " << moving << " slots took "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                     << " ms under load: " << acked.load() << " increments acknowledged, "
                     << unknown.load() << " outcome unknown, " << refused.load() << " refused; "
                     << swaps.load() << " cas swaps, " << cas_failures.load()
                     << " cas calls failed");
  // No node failed, so every call had a definite outcome, and each was applied exactly once.
  CHECK(unknown.load() == 0);
  CHECK(refused.load() == 0);
  CHECK(cas_failures.load() == 0);
  CHECK(total == acked.load());
  CHECK(cas_total == swaps.load());
  CHECK(acked.load() > 0);
  CHECK(swaps.load() > 0);
}
