// The redis+cluster:// store on a real Redis Cluster (3 masters, a replica each): routing to the
// slot's master, CROSSSLOT refusals, batches split per slot, redirections followed after slots
// are moved by hand, and exact totals under concurrency.

#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"
#include "cluster_helpers.hpp"
#include "helpers.hpp"
#include "redis/cluster_routing.hpp"
#include "redis/hash_slot.hpp"
#include "support/redis_cluster.hpp"

using atomkv::op_result;
using atomkv::operation;
using atomkv::redis::hash_slot;
using atomkv::redis_tests::connect_or_fail;
using atomkv::redis_tests::fresh;
using atomkv::redis_tests::open_or_fail;
using atomkv::testing::redis_cluster;
using atomkv::testing::redis_server;
using namespace atomkv::redis_tests;

TEST_CASE("an atomic step over several slots is refused with the node's own CROSSSLOT",
          "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto plain = open_or_fail(store, "");
  const std::string a = fresh("a"), b = fresh("b");
  REQUIRE(hash_slot(a) != hash_slot(b));
  // What a cluster node answers to the same request.
  const std::string node_says = trimmed(cluster.node(0).cli("MSET " + a + " 1 " + b + " 2"));
  CHECK(node_says == atomkv::redis::kCrossSlot);

  std::vector<operation> both{operation::set(a, "1"), operation::set(b, "2")};
  auto applied = plain.backend().apply(both);
  REQUIRE_FALSE(applied);
  CHECK(applied.error().message == node_says);
  CHECK_FALSE(plain.exists(a).value());
  CHECK_FALSE(plain.exists(b).value());

  std::vector<std::string_view> pairs{a, "1", b, "2"};
  const operation msetnx = operation::set_if_none_exist(pairs);
  CHECK_FALSE(plain.backend().apply(std::span(&msetnx, 1)));
  // BITOP names its sources as keys too: a source in another slot is refused, nothing written.
  std::vector<std::string_view> sources{b};
  const operation bitop = operation::bit_operation(a, atomkv::bitop::or_, sources);
  auto combined = plain.backend().apply(std::span(&bitop, 1));
  REQUIRE_FALSE(combined);
  CHECK(combined.error().message == node_says);
  // RENAME and COPY name their destination as a key: one in another slot is refused the same way.
  REQUIRE(plain.set(a, "1"));
  for (const operation& step : {operation::rename(a, b), operation::copy(a, b, true)}) {
    auto moved = plain.backend().apply(std::span(&step, 1));
    REQUIRE_FALSE(moved);
    CHECK(moved.error().message == node_says);
  }
  CHECK(plain.get(a).value() == "1");
  CHECK_FALSE(plain.exists(b).value());
  REQUIRE(plain.remove(a));

  auto txn = plain.backend().begin();
  REQUIRE(txn);
  std::vector<std::string_view> watched{a, b};
  auto watch = txn.value()->watch(watched, false);
  REQUIRE_FALSE(watch);
  CHECK(watch.error().message == node_says);
  std::vector<std::string_view> one{a};
  REQUIRE(txn.value()->watch(one, false));
  auto committed = txn.value()->commit(both);
  REQUIRE_FALSE(committed);
  CHECK(committed.error().message == node_says);
  CHECK_FALSE(plain.exists(a).value());

  // Keys that share a hash tag are one slot: applied together.
  const std::string x = "{" + a + "}x", y = "{" + a + "}y";
  std::vector<operation> tagged{operation::set(x, "1"), operation::set(y, "2")};
  REQUIRE(plain.backend().apply(tagged));
  CHECK(plain.get(y).value() == "2");
}

TEST_CASE("SELECT of another database is refused as a cluster node refuses it", "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  const std::string node_says = trimmed(cluster.node(0).cli("SELECT 1"));
  CHECK(node_says == atomkv::redis::kSelectInCluster);
  auto other = store.backend().open_database(1);
  REQUIRE_FALSE(other);
  CHECK(other.error().message == node_says);
  CHECK(store.backend().open_database(0));
}

TEST_CASE("a batch over keys of many slots is split per slot and answered in order", "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto bucket = open_or_fail(store, fresh("batch"));
  std::vector<atomkv::batch::key_value> pairs;
  for (int i = 0; i < 300; ++i) {
    pairs.emplace_back("k" + std::to_string(i), "v" + std::to_string(i));
  }
  REQUIRE(atomkv::batch::set_many(bucket, pairs));
  std::vector<std::string> asked;
  for (int i = 299; i >= 0; i -= 2) {
    asked.push_back("k" + std::to_string(i));
    asked.push_back("missing" + std::to_string(i));
  }
  auto got = atomkv::batch::get_many(bucket, asked);
  REQUIRE(got);
  REQUIRE(got.value().size() == asked.size());
  for (std::size_t i = 0; i < asked.size(); ++i) {
    INFO(asked[i]);
    if (asked[i].starts_with("k")) {
      REQUIRE(got.value()[i]);
      CHECK(got.value()[i]->first == asked[i]);
      CHECK(got.value()[i]->second == "v" + asked[i].substr(1));
    } else {
      CHECK_FALSE(got.value()[i]);
    }
  }
  REQUIRE(atomkv::batch::delete_many(bucket, asked));
  const operation count = operation::count();
  auto left = bucket.backend().apply(std::span(&count, 1));
  REQUIRE(left);
  CHECK(left.value().front() == op_result::of_integer(150));
}

TEST_CASE("keys reach every master, and listing and counting span them all", "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  const std::string name = fresh("spread");
  auto bucket = open_or_fail(store, name);
  std::set<std::string> written;
  for (int i = 0; i < 600; ++i) {
    const std::string key = "key" + std::to_string(i);
    REQUIRE(bucket.set(key, "v"));
    written.insert(key);
  }
  for (auto* master : masters_of(cluster)) {
    direct_client direct(master->port());
    CHECK(direct.count("KEYS %b", name + ":*") > 100);  // about a third each
  }
  std::multiset<std::string> listed;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    auto page = bucket.list_keys(cursor);
    REQUIRE(page);
    listed.insert(page.value().keys.begin(), page.value().keys.end());
    cursor = page.value().cursor;
    if (cursor) {
      CHECK(*cursor != "0");
    }
    ++pages;
  } while (cursor && pages < 10000);
  CHECK(std::set<std::string>(listed.begin(), listed.end()) == written);
  CHECK(pages >= 3);  // at least a page per master
  const operation ops[] = {operation::count(), operation::list("key1*")};
  auto counted = bucket.backend().apply(ops);
  REQUIRE(counted);
  CHECK(counted.value()[0] == op_result::of_integer(600));
  CHECK(counted.value()[1].keys.size() == 111);  // key1, key10-19, key100-199
  // A cursor no listing gave is refused.
  CHECK_FALSE(bucket.list_keys(std::string("not-a-cursor")));
  // clear: each master deletes its share, keys of many slots (a script's DEL of keys in two slots
  // is refused by a node even when it serves both).
  const operation clear[] = {operation::clear(), operation::count()};
  auto cleared = bucket.backend().apply(clear);
  REQUIRE(cleared);
  CHECK(cleared.value()[0] == op_result::ok());
  CHECK(cleared.value()[1] == op_result::of_integer(0));
  for (auto* master : masters_of(cluster)) {
    direct_client direct(master->port());
    CHECK(direct.count("KEYS %b", name + ":*") == 0);
  }
}

TEST_CASE("a slot moved by hand is followed through MOVED", "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto plain = open_or_fail(store, "");
  const std::string key = fresh("moved");
  const auto slot = hash_slot(key);
  REQUIRE(plain.set(key, "before"));  // the store has its slot map now
  auto early = connect_or_fail(cluster.url());
  auto early_plain = open_or_fail(early, "");
  REQUIRE(early_plain.get(key));  // so has this one
  slot_migration migration(cluster, slot);
  migration.move(key);
  migration.finish();

  // The old owner now redirects: the store follows and learns the new map.
  direct_client old_owner(migration.from->port());
  CHECK(old_owner.run("GET %b", key).starts_with("MOVED " + migration.number));
  CHECK(plain.get(key).value() == "before");
  REQUIRE(plain.set(key, "after"));
  CHECK(atomkv::atomics::increment(plain, key + "n", 2).value() == 2);
  direct_client new_owner(migration.to->port());
  CHECK(new_owner.run("GET %b", key) == "after");

  // A step of a key and a bucket-wide count on a stale map: the key's master, asked first,
  // redirects before any master ran anything, and the step runs again on the new map.
  const operation mixed[] = {operation::set(key, "mixed"), operation::count()};
  auto applied = early_plain.backend().apply(mixed);
  REQUIRE(applied);
  CHECK(applied.value()[0] == op_result::ok());
  CHECK(applied.value()[1].integer >= 1);
  CHECK(new_owner.run("GET %b", key) == "mixed");
}

TEST_CASE("a key being migrated is followed through ASK", "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto plain = open_or_fail(store, "");
  const std::string tag = "{" + fresh("ask") + "}";
  const std::string moved = tag + "moved", stays = tag + "stays", born = tag + "born";
  const auto slot = hash_slot(moved);
  REQUIRE(plain.set(moved, "m"));
  REQUIRE(plain.set(stays, "s"));
  slot_migration migration(cluster, slot);
  migration.move(moved);
  direct_client old_owner(migration.from->port());
  CHECK(old_owner.run("GET %b", moved).starts_with("ASK " + migration.number));

  // Mid-migration: the moved key is asked of the target, the other one read where it is.
  CHECK(plain.get(moved).value() == "m");
  CHECK(plain.get(stays).value() == "s");
  REQUIRE(plain.set(born, "b"));  // a new key of a migrating slot is made on the target
  CHECK(old_owner.run("EXISTS %b", born).starts_with("ASK " + migration.number));  // not made here

  migration.move(stays);
  migration.finish();
  CHECK(plain.get(moved).value() == "m");
  CHECK(plain.get(stays).value() == "s");
  CHECK(plain.get(born).value() == "b");
}

TEST_CASE("50 threads x 2,000 increments over every master end exact", "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto bucket = open_or_fail(store, fresh("incr"));
  constexpr int kThreads = 50, kEach = 2000, kKeys = 30;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!atomkv::atomics::increment(bucket, "c" + std::to_string((t + i) % kKeys), 1)) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(failures == 0);
  std::int64_t total = 0;
  for (int k = 0; k < kKeys; ++k) {
    total += std::stoll(bucket.get("c" + std::to_string(k)).value().value_or("0"));
  }
  CHECK(total == kThreads * kEach);
}

TEST_CASE("16 threads of cas retry loops on one tagged key end exact", "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto bucket = open_or_fail(store, "");
  const std::string key = "{" + fresh("cas") + "}counter";
  constexpr int kThreads = 16, kEach = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto handle = atomkv::atomics::cas::make(bucket, key);
        if (!handle) {
          ++failures;
          return;
        }
        auto cas = std::move(handle).value();
        for (;;) {
          const auto now = std::stoll(cas.current().value().value_or("0"));
          auto swapped = atomkv::atomics::swap(std::move(cas), std::to_string(now + 1));
          if (swapped) {
            break;
          }
          if (!swapped.error().is_cas_failed()) {
            ++failures;
            return;
          }
          cas = std::move(swapped).error().take_refreshed();
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(failures == 0);
  CHECK(bucket.get(key).value() == std::to_string(kThreads * kEach));
}

TEST_CASE("a direct client writing between make and swap makes the swap a conflict", "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url());
  auto plain = open_or_fail(store, "");
  const std::string key = fresh("cas-direct");
  REQUIRE(plain.set(key, "1"));
  auto handle = atomkv::atomics::cas::make(plain, key);
  REQUIRE(handle);
  redis_server* owner = cluster.master_of(hash_slot(key));
  REQUIRE(owner);
  direct_client other(owner->port());
  CHECK(other.run("SET %b %b", key, "theirs") == "OK");
  auto swapped = atomkv::atomics::swap(std::move(handle).value(), "mine");
  REQUIRE_FALSE(swapped);
  REQUIRE(swapped.error().is_cas_failed());
  CHECK(plain.get(key).value() == "theirs");
}

TEST_CASE("cluster listing cursors carry the master and are never 0", "[cluster-slots]") {
  using atomkv::redis::cluster_cursor;
  using atomkv::redis::decode_cursor;
  using atomkv::redis::encode_cursor;
  for (const cluster_cursor& at :
       {cluster_cursor{1, "0"}, cluster_cursor{2, "0"}, cluster_cursor{0, "7"},
        cluster_cursor{2, "18446744073709551615"}}) {
    const std::string text = encode_cursor(at);
    CHECK(text != "0");
    auto back = decode_cursor(text);
    REQUIRE(back);
    CHECK(back->master == at.master);
    CHECK(back->node_cursor == at.node_cursor);
  }
  CHECK(encode_cursor({1, "0"}) == "1");
  CHECK(encode_cursor({0, "3"}) == "49152");
  for (std::string_view bad :
       {"0", "", "x", "-1", "1.5", "99999999999999999999999999999999999999"}) {
    CHECK_FALSE(decode_cursor(bad));
  }
}

namespace {

redisReply status(const char* text) {
  redisReply r{};
  r.type = REDIS_REPLY_STATUS;
  r.str = const_cast<char*>(text);
  r.len = std::strlen(text);
  return r;
}

redisReply error_reply(const char* text) {
  redisReply r = status(text);
  r.type = REDIS_REPLY_ERROR;
  return r;
}

// Counts what reaches the call behind a redirect_sink.
struct counting_sink final : atomkv::redis::reply_sink {
  void on_reply(const redisReply&) override { ++seen; }
  int seen = 0;
};

}  // namespace

TEST_CASE("only a reply that proves the request did not run sends it again", "[cluster-slots]") {
  using atomkv::redis::redirect_sink;
  using atomkv::redis::retry_decision;
  using kind = retry_decision::kind;
  auto decide = [](std::vector<redisReply> replies, std::size_t skipped = 0) {
    counting_sink call;
    redirect_sink sink(call, skipped);
    for (const auto& r : replies) {
      sink.on_reply(r);
    }
    CHECK(call.seen == static_cast<int>(replies.size() - skipped));
    return sink.decide();
  };
  auto moved = decide({error_reply("MOVED 12 127.0.0.1:7001")});
  CHECK(moved.what == kind::moved);
  CHECK(moved.to.port == 7001);
  CHECK(decide({status("OK"), error_reply("ASK 12 127.0.0.1:7002")}, 1).what == kind::ask);
  CHECK(decide({error_reply("TRYAGAIN Multiple keys request during rehashing of slot")}).what ==
        kind::try_again);
  CHECK(decide({error_reply("CLUSTERDOWN The cluster is down")}).what == kind::try_again);
  // Inside MULTI a redirected command aborts EXEC: nothing ran.
  CHECK(decide({status("OK"), error_reply("MOVED 12 127.0.0.1:7001"),
                error_reply("EXECABORT Transaction discarded because of previous errors.")})
            .what == kind::moved);
  // EXEC answered (not an error): the replies are the answer, whatever came before.
  redisReply executed{};
  executed.type = REDIS_REPLY_ARRAY;
  CHECK(decide({status("OK"), status("QUEUED"), executed}).what == kind::done);
  CHECK(decide({error_reply("ERR value is not an integer or out of range")}).what == kind::done);
}

TEST_CASE("a call whose reply does not come is never sent again: its outcome is unknown",
          "[cluster]") {
  auto& cluster = shared_cluster();
  auto store = connect_or_fail(cluster.url() + "?command_timeout_ms=300");
  auto plain = open_or_fail(store, "");
  const std::string key = fresh("unknown");
  REQUIRE(plain.set(key, "0"));
  redis_server* owner = cluster.master_of(hash_slot(key));
  REQUIRE(owner);
  owner->pause();  // well under the node timeout: no failover
  const auto start = std::chrono::steady_clock::now();
  auto added = atomkv::atomics::increment(plain, key, 1);
  const auto waited = std::chrono::steady_clock::now() - start;
  owner->resume();
  REQUIRE_FALSE(added);
  CHECK(atomkv::outcome_unknown(added.error()));
  CHECK(waited < std::chrono::milliseconds(1500));
  // The paused master ran the one INCRBY it had received, and nothing sent it a second.
  CHECK(plain.get(key).value() == "1");
}
