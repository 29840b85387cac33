// A master of a real Redis Cluster killed under a load of increments: its replica is promoted,
// the redis+cluster:// store learns the new topology without a restart, no call waits much
// longer than the command timeout, and no increment is applied twice.

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"
#include "helpers.hpp"
#include "redis/hash_slot.hpp"
#include "support/redis_cluster.hpp"

using namespace std::chrono_literals;
using atomkv::redis_tests::connect_or_fail;
using atomkv::redis_tests::open_or_fail;

TEST_CASE("a master killed under load: the replica serves its slots and totals stay exact",
          "[cluster-failover]") {
  atomkv::testing::redis_cluster cluster(
      {.masters = 3, .replicas_per_master = 1, .node_timeout_ms = 1000});
  REQUIRE(cluster.running());
  // A replica that never finished its first sync refuses to take over: wait for every link.
  const auto synced_by = std::chrono::steady_clock::now() + 30s;
  for (auto& node : cluster.nodes()) {
    while (node->cli("INFO replication").find("role:slave") != std::string::npos &&
           node->cli("INFO replication").find("master_link_status:up") == std::string::npos) {
      REQUIRE(std::chrono::steady_clock::now() < synced_by);
      std::this_thread::sleep_for(50ms);
    }
  }
  constexpr int kTimeoutMs = 1000;
  auto store =
      connect_or_fail(cluster.url(6) + "?command_timeout_ms=" + std::to_string(kTimeoutMs));
  auto bucket = open_or_fail(store, "failover");
  constexpr int kThreads = 8, kKeys = 30;

  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> acked{0}, unknown{0}, refused{0};
  std::atomic<std::int64_t> slowest_ms{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        const auto start = std::chrono::steady_clock::now();
        auto added = atomkv::atomics::increment(bucket, "c" + std::to_string((t + i) % kKeys), 1);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
        std::int64_t seen = slowest_ms.load();
        while (ms > seen && !slowest_ms.compare_exchange_weak(seen, ms)) {
        }
        if (added) {
          ++acked;
        } else if (atomkv::outcome_unknown(added.error())) {
          ++unknown;
        } else {
          ++refused;  // not applied: no node could take it yet
        }
      }
    });
  }
  std::this_thread::sleep_for(1s);

  // The master of c0's slot dies without a word.
  const std::string probe_key = "failover:c0";
  auto* victim = cluster.master_of(atomkv::redis::hash_slot(probe_key));
  REQUIRE(victim);
  const auto acked_before = acked.load();
  victim->kill();
  const auto killed_at = std::chrono::steady_clock::now();

  // Served again once an increment of a key of the dead master's slots succeeds.
  std::chrono::milliseconds recovered{-1};
  std::string last_error;
  while (std::chrono::steady_clock::now() - killed_at < 30s) {
    auto probed = atomkv::atomics::increment(bucket, "c0", 0);
    if (!probed) {
      last_error = probed.error().message;
    }
    if (probed) {
      recovered = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - killed_at);
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(2s);  // load on the new topology
  stop = true;
  for (auto& thread : threads) {
    thread.join();
  }

  std::int64_t total = 0;
  for (int k = 0; k < kKeys; ++k) {
    auto value = bucket.get("c" + std::to_string(k));
    INFO("last error while waiting: " << last_error);
    REQUIRE(value);
    total += std::stoll(value.value().value_or("0"));
  }
  WARN("failover: every slot served again "
       << recovered.count() << " ms after the kill; " << acked.load() << " acknowledged ("
       << acked_before << " before the kill), " << unknown.load() << " outcome unknown, "
       << refused.load() << " refused, slowest call " << slowest_ms.load() << " ms");
  INFO("last error while waiting: " << last_error);
  CHECK(recovered.count() >= 0);
  CHECK(acked.load() > acked_before);  // the store went on after the failover, unrestarted
  // Nothing was applied twice: no call was sent again after its outcome became unknown.
  CHECK(total <= acked.load() + unknown.load());
  // Replication is asynchronous: increments the dead master acknowledged but had not yet sent
  // to its replica are lost with it (Redis Cluster's documented write-loss window), so the total
  // may fall short of the acknowledged count by those few; shown, not asserted.
  const std::int64_t lost = std::max<std::int64_t>(0, acked.load() - total);
  WARN("acknowledged increments lost with the killed master: " << lost);
  // One attempt can start just before the deadline of the retries and wait its own timeout.
  CHECK(slowest_ms.load() <= 2 * kTimeoutMs + 500);
}
