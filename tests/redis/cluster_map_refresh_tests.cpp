// The slot map asked for on the event loop (map_refresh.hpp): refresh_map returns at once, and a
// master that answers nothing (SIGSTOP) is passed over after command_timeout, the map then taken
// from another node while the stalled one is still stopped. A round that ends leaves no timer.

#include <uv.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "cluster_helpers.hpp"
#include "redis/cluster_links.hpp"

namespace atomkv::redis_tests {
namespace {

// Shorter than the cluster's node timeout (2 s), so no failover starts.
constexpr auto kStalledFor = std::chrono::milliseconds(1500);
constexpr auto kCommandTimeout = std::chrono::milliseconds(300);

redis_server* node_on_port(redis_cluster& cluster, std::uint16_t port) {
  for (auto& node : cluster.nodes()) {
    if (node->port() == port) {
      return node.get();
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE(
    "cluster links: the slot map is asked for without holding the loop, past a stalled master",
    "[cluster]") {
  auto& cluster = shared_cluster();
  std::vector<redis::node_address> seeds;
  for (auto* master : masters_of(cluster)) {
    seeds.push_back({"127.0.0.1", master->port()});
  }
  redis::config settings;
  settings.host = seeds.front().host;
  settings.port = seeds.front().port;
  settings.command_timeout = kCommandTimeout;
  auto nodes = std::make_shared<redis::cluster_nodes>(settings, seeds);
  auto first_map = nodes->map();
  REQUIRE(first_map);
  REQUIRE(first_map.value()->complete());
  REQUIRE(first_map.value()->masters().size() == 3);

  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  auto links = std::make_shared<redis::cluster_links>(&loop, nodes);

  // The first node a refresh asks stops answering, and is resumed by another thread (joined
  // however the test ends).
  redis_server* stalled = node_on_port(cluster, first_map.value()->masters().front().port);
  REQUIRE(stalled);
  stalled->pause();
  std::atomic<bool> resumed{false};
  std::jthread resumer([&] {
    std::this_thread::sleep_for(kStalledFor);
    resumed = true;
    stalled->resume();
  });

  const auto asked_at = std::chrono::steady_clock::now();
  const std::uint64_t before = nodes->epoch();
  links->refresh_map(before);
  // Returned before any answer: a blocking refresh would have waited for the stalled node.
  CHECK(nodes->epoch() == before);
  CHECK_FALSE(resumed);

  // A second request while the first runs adds nothing; the map changes once.
  links->refresh_map(before);
  while (nodes->epoch() == before && !resumed) {
    uv_run(&loop, UV_RUN_ONCE);
  }
  // Passed over after the command timeout, the map came from another master meanwhile.
  CHECK_FALSE(resumed);
  CHECK(std::chrono::steady_clock::now() - asked_at >= kCommandTimeout);
  CHECK(nodes->epoch() == before + 1);
  auto refreshed = nodes->map();
  CHECK(refreshed);
  CHECK((refreshed && refreshed.value()->complete() && refreshed.value()->masters().size() == 3));
  // The round is over: its timer for the candidate that answered is gone, not left to run out.
  CHECK(links->timers_armed() == 0);
  resumer.join();

  // With every node answering again, a refresh completes.
  const std::uint64_t after = nodes->epoch();
  links->refresh_map(after);
  const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (nodes->epoch() == after && std::chrono::steady_clock::now() < give_up_at) {
    uv_run(&loop, UV_RUN_ONCE);
  }
  CHECK(nodes->epoch() == after + 1);
  CHECK(links->timers_armed() == 0);

  links->stop(error::other("test over"));
  links.reset();
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

}  // namespace atomkv::redis_tests
