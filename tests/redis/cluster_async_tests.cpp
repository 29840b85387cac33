// The redis+cluster:// store attached to an event loop, as the proxy drives it: one lane's calls
// over every master complete in its order, whole-keyspace steps included; a transaction's calls
// made back to back run in order, and a write straight to the slot's master between WATCH and
// EXEC is a conflict; slots moved by hand are followed through MOVED and ASK.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"
#include "attached_loop.hpp"
#include "cluster_helpers.hpp"
#include "helpers.hpp"
#include "redis/cluster_nodes.hpp"
#include "redis/cluster_routing.hpp"
#include "redis/hash_slot.hpp"

namespace atomkv::redis_tests {
namespace {

using applied = result<std::vector<op_result>>;

// `op` applied on `lane` through the loop; the result once the loop has run it.
std::optional<applied> apply_on_loop(attached_loop& loop, backend::bucket& bucket,
                                     const operation& op, std::uint64_t lane = 1) {
  std::optional<applied> out;
  bucket.apply_async(std::span<const operation>(&op, 1), lane,
                     [&](applied r) { out.emplace(std::move(r)); });
  REQUIRE(loop.run_until([&] { return out.has_value(); }));
  return out;
}

// A listing cursor (cluster_routing.hpp) at the start of `master`'s keys, from the cluster's own
// slot map: masters are numbered in the order of the lowest slot each serves.
std::string listing_start_on(const redis_server* master) {
  redis::config settings;
  settings.host = "127.0.0.1";
  settings.port = master->port();
  redis::cluster_nodes nodes(settings, {{"127.0.0.1", master->port()}});
  auto map = nodes.map();
  REQUIRE(map);
  const auto ordered = redis::masters_in_order(*map.value());
  const auto at =
      std::find(ordered.begin(), ordered.end(), redis::node_address{"127.0.0.1", master->port()});
  REQUIRE(at != ordered.end());
  if (at == ordered.begin()) {
    return "";  // the listing's own start: no cursor reads "0"
  }
  return redis::encode_cursor({static_cast<std::size_t>(at - ordered.begin()), "0"});
}

std::string value_of(const std::optional<applied>& r) {
  REQUIRE(r);
  REQUIRE(r->has_value());
  REQUIRE(r->value().size() == 1);
  return r->value()[0].text;
}

}  // namespace

TEST_CASE("attached: one lane's calls over every master, counts included, complete in order",
          "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto bucket = open_or_fail(store, fresh("lane"));
  attached_loop loop(store);
  REQUIRE_FALSE(bucket.backend().completes_inline());

  // Keys spread over every master; a count of the bucket after every tenth call sees exactly
  // the keys made before it, though it runs on every master by another path.
  constexpr int kCalls = 400, kKeys = 25;
  std::vector<std::string> keys;
  for (int k = 0; k < kKeys; ++k) {
    keys.push_back("k" + std::to_string(k));
  }
  // Callbacks of calls to different masters may come in any order: each result has its place.
  std::vector<std::int64_t> sums(kCalls, -1), counts, expected_counts;
  int answered = 0, failures = 0;
  for (int i = 0; i < kCalls; ++i) {
    const operation step = operation::increment(keys[i % kKeys], 1);
    bucket.backend().apply_async(std::span<const operation>(&step, 1), 7, [&, i](applied r) {
      ++answered;
      r&& r.value().size() == 1 ? void(sums[i] = r.value()[0].integer) : void(++failures);
    });
    if (i % 10 == 9) {
      const operation count = operation::count();
      const std::size_t at = counts.size();
      counts.push_back(-1);
      expected_counts.push_back(std::min(i + 1, kKeys));
      bucket.backend().apply_async(std::span<const operation>(&count, 1), 7, [&, at](applied r) {
        ++answered;
        r&& r.value().size() == 1 ? void(counts[at] = r.value()[0].integer) : void(++failures);
      });
    }
  }
  REQUIRE(loop.run_until(
      [&] { return answered == kCalls + static_cast<int>(expected_counts.size()); }));
  CHECK(failures == 0);
  for (int i = 0; i < kCalls; ++i) {
    CHECK(sums[i] == i / kKeys + 1);
  }
  CHECK(counts == expected_counts);
}

TEST_CASE(
    "attached: a transaction's calls made back to back run in order, and a write straight "
    "to the slot's master between WATCH and EXEC is a conflict",
    "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto bucket = open_or_fail(store, "");
  const std::string key = fresh("txn");
  redis_server* owner = cluster.master_of(redis::hash_slot(key));
  REQUIRE(owner);
  attached_loop loop(store);
  auto begun = bucket.backend().begin();
  REQUIRE(begun);
  auto txn = std::move(begun).value();
  const std::string_view keys[] = {key};
  const operation write = operation::set(key, "mine");
  using committed_type = result<std::optional<std::vector<op_result>>>;

  // WATCH, EXEC, WATCH and EXEC again, all asked for before the loop runs any of them.
  std::vector<std::string> order;
  std::optional<committed_type> first, second;
  txn->watch_async(keys, true, [&](auto r) { order.push_back(r ? "watch" : "watch failed"); });
  txn->commit_async(std::span<const operation>(&write, 1), [&](committed_type r) {
    order.push_back("commit");
    first.emplace(std::move(r));
  });
  txn->watch_async(keys, true, [&](auto r) {
    order.push_back("watch");
    REQUIRE(r);
    REQUIRE(r.value().size() == 1);
    CHECK(r.value()[0] == std::optional<std::string>("mine"));  // after the first commit
  });
  txn->commit_async(std::span<const operation>(&write, 1), [&](committed_type r) {
    order.push_back("commit");
    second.emplace(std::move(r));
  });
  REQUIRE(loop.run_until([&] { return second.has_value(); }));
  CHECK(order == std::vector<std::string>{"watch", "commit", "watch", "commit"});
  REQUIRE(first->has_value());
  CHECK(first->value().has_value());
  REQUIRE(second->has_value());
  CHECK(second->value().has_value());

  for (bool interfere : {true, false}) {
    INFO("a write straight to the master: " << interfere);
    bool watched = false;
    txn->watch_async(keys, false, [&](auto r) { watched = r.has_value(); });
    REQUIRE(loop.run_until([&] { return watched; }));
    if (interfere) {
      direct_client other(owner->port());
      CHECK(other.run("SET %b %b", key, "theirs") == "OK");
    }
    std::optional<committed_type> committed;
    txn->commit_async(std::span<const operation>(&write, 1),
                      [&](committed_type r) { committed.emplace(std::move(r)); });
    REQUIRE(loop.run_until([&] { return committed.has_value(); }));
    REQUIRE(committed->has_value());
    CHECK(committed->value().has_value() == !interfere);
    CHECK(value_of(apply_on_loop(loop, bucket.backend(), operation::get(key))) ==
          (interfere ? "theirs" : "mine"));
  }
}

TEST_CASE("attached: slots moved by hand are followed through ASK and MOVED", "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto plain = open_or_fail(store, "");
  const std::string tag = "{" + fresh("async-ask") + "}";
  const std::string moved = tag + "moved", stays = tag + "stays";
  const auto slot = redis::hash_slot(moved);
  REQUIRE(plain.set(moved, "m"));
  REQUIRE(plain.set(stays, "s"));
  attached_loop loop(store);
  auto& bucket = plain.backend();
  CHECK(value_of(apply_on_loop(loop, bucket, operation::get(moved))) == "m");  // the map known
  slot_migration migration(cluster, slot);
  migration.move(moved);
  direct_client old_owner(migration.from->port());
  CHECK(old_owner.run("GET %b", moved).starts_with("ASK " + migration.number));

  // Mid-migration: the moved key is asked of the target, the other one read where it is.
  CHECK(value_of(apply_on_loop(loop, bucket, operation::get(moved))) == "m");
  CHECK(value_of(apply_on_loop(loop, bucket, operation::get(stays))) == "s");

  migration.move(stays);
  migration.finish();
  CHECK(old_owner.run("GET %b", moved).starts_with("MOVED " + migration.number));
  // The store's map still says `from`: MOVED is followed, and the map refreshed.
  CHECK(value_of(apply_on_loop(loop, bucket, operation::get(moved))) == "m");
  auto set = apply_on_loop(loop, bucket, operation::set(stays, "after"));
  REQUIRE(set);
  REQUIRE(set->has_value());
  direct_client new_owner(migration.to->port());
  CHECK(new_owner.run("GET %b", stays) == "after");
}

TEST_CASE("attached: a count held up by a stalled master holds its own lane only", "[cluster]") {
  auto& cluster = shared_cluster();
  // Shorter than the stall below, which is shorter than the node timeout (2 s): no failover.
  auto store = connect_or_fail(cluster.url() + "?command_timeout_ms=500");
  auto bucket = open_or_fail(store, "");
  const std::string near = fresh("near"), other = fresh("other");
  REQUIRE(redis::hash_slot(near) != redis::hash_slot(other));
  redis_server* serving = cluster.master_of(redis::hash_slot(near));
  REQUIRE(serving);
  redis_server* stalled = other_master(cluster, serving);
  REQUIRE(stalled);
  // What the callbacks write to outlives the loop, which fails them if the test ends early.
  std::vector<std::string> order;
  std::optional<applied> counted, read, other_lane, several_slots, listed;
  bool resumed_when_answered = true, counted_when_listed = true;
  std::atomic<bool> resumed{false};
  attached_loop loop(store);
  auto& backend = bucket.backend();
  REQUIRE(apply_on_loop(loop, backend, operation::set(near, "1"), 2));  // connected

  const std::string start_on_serving = listing_start_on(serving);

  stalled->pause();
  std::jthread resumer([&] {  // joined however the test ends
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    resumed = true;
    stalled->resume();
  });
  // Lane 1: a count, which asks every master, then a read that must wait for it.
  const operation count = operation::count(), get = operation::get(near);
  backend.apply_async(std::span<const operation>(&count, 1), 1, [&](applied r) {
    order.push_back("count");
    counted.emplace(std::move(r));
  });
  backend.apply_async(std::span<const operation>(&get, 1), 1, [&](applied r) {
    order.push_back("get");
    read.emplace(std::move(r));
  });
  // Lane 2: a call on a master that answers, answered while the count still waits.
  const operation increment = operation::increment(near, 1);
  backend.apply_async(std::span<const operation>(&increment, 1), 2, [&](applied r) {
    order.push_back("increment");
    resumed_when_answered = resumed;
    other_lane.emplace(std::move(r));
  });
  // Lane 1 again: keys of two slots, refused at once with nothing sent, although the lane's
  // count still waits.
  const operation two_slots[] = {operation::get(near), operation::get(other)};
  backend.apply_async(two_slots, 1, [&](applied r) { several_slots.emplace(std::move(r)); });
  REQUIRE(several_slots.has_value());
  REQUIRE_FALSE(several_slots->has_value());
  CHECK(several_slots->error().message.starts_with("CROSSSLOT"));
  // Lane 3: blocking work of its own (a listing page on the answering master), not queued
  // behind lane 1's.
  const operation page = operation::list("*", start_on_serving, 1000);
  backend.apply_async(std::span<const operation>(&page, 1), 3, [&](applied r) {
    counted_when_listed = counted.has_value();
    listed.emplace(std::move(r));
  });
  CHECK(order.empty());  // nothing ran inline on the loop
  REQUIRE(loop.run_until([&] { return other_lane.has_value() && listed.has_value(); }));
  CHECK_FALSE(resumed_when_answered);
  CHECK_FALSE(counted_when_listed);
  CHECK_FALSE(counted.has_value());
  REQUIRE(other_lane->has_value());
  CHECK(other_lane->value()[0].integer == 2);
  REQUIRE(listed->has_value());
  INFO(listed->value()[0].text);
  CHECK(listed->value()[0].what == op_result::kind::keys);  // a page, maybe of no key

  REQUIRE(loop.run_until([&] { return read.has_value(); }));
  resumer.join();
  // The count's wait on the stalled master ran out (an error), and it answered before the read.
  REQUIRE(counted.has_value());
  CHECK_FALSE(counted->has_value());
  CHECK(order == std::vector<std::string>{"increment", "count", "get"});
  CHECK(value_of(read) == "2");
  // Resumed, every master answers the count again.
  const auto again = apply_on_loop(loop, backend, operation::count(), 1);
  REQUIRE(again);
  REQUIRE(again->has_value());
  CHECK(again->value()[0].integer >= 1);
}

}  // namespace atomkv::redis_tests
