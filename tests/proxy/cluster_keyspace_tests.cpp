// In front of a Redis Cluster (--backend redis-cluster) the proxy's keyspace is database 0 alone,
// as a cluster node's is: each command that names a database answers, byte for byte, what the
// master of the key's slot answers when asked directly. On other backends these cases do nothing.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "proxy/servers.hpp"
#include "support/redis_cluster.hpp"
#include "support/resp_client.hpp"
#include "support/test_backend.hpp"

namespace atomkv::proxy_tests {

namespace {

using command = std::vector<std::string>;

bool in_front_of_cluster() {
  return subject_is_proxy() && subject_backend() == "redis-cluster";
}

// The replies of `commands`, sent one after the other on one connection.
std::vector<std::string> replies(testing::resp_connection& conn,
                                 const std::vector<command>& commands) {
  std::vector<std::string> out;
  for (const auto& c : commands) {
    out.push_back(conn.call(c).value_or("<no reply>"));
  }
  return out;
}

// The proxy under test, started, and a connection to it.
struct connected_subject {
  std::unique_ptr<server> srv;
  std::optional<testing::resp_connection> connection;
};

connected_subject connect_to_subject() {
  connected_subject subject{start_plain_subject(), std::nullopt};
  INFO(subject.srv->error());
  REQUIRE(subject.srv->running());
  subject.connection = testing::resp_connection::connect(subject.srv->port());
  REQUIRE(subject.connection);
  return subject;
}

// The cluster's master for `key` now, asked with CLUSTER KEYSLOT.
testing::redis_server* master_for(testing::redis_cluster& cluster, const std::string& key) {
  auto any = testing::resp_connection::connect(cluster.node(0).port());
  if (!any) {
    return nullptr;
  }
  auto slot = any->call({"CLUSTER", "KEYSLOT", key}).value_or("");
  if (slot.size() < 4 || slot.front() != ':') {
    return nullptr;
  }
  return cluster.master_of(static_cast<std::uint16_t>(std::stoi(slot.substr(1))));
}

// Runs `commands` on the master of `key`'s slot, empties the keyspace, runs them through the
// proxy, and compares the replies one by one.
void same_as_cluster_node(const std::string& key, const std::vector<command>& commands) {
  auto srv = start_plain_subject();
  INFO(srv->error());
  REQUIRE(srv->running());
  auto* cluster = testing::backend_redis_cluster();
  REQUIRE(cluster != nullptr);
  auto* master = master_for(*cluster, key);
  REQUIRE(master != nullptr);

  auto node = testing::resp_connection::connect(master->port());
  REQUIRE(node);
  const auto expected = replies(*node, commands);
  auto proxy = testing::resp_connection::connect(srv->port());
  REQUIRE(proxy);
  REQUIRE(proxy->call({"FLUSHALL"}).value_or("") == "+OK\r\n");
  const auto got = replies(*proxy, commands);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    std::string line;
    for (const auto& word : commands[i]) {
      line += (line.empty() ? "" : " ") + word;
    }
    INFO(line);
    CHECK(testing::escape_bytes(got[i]) == testing::escape_bytes(expected[i]));
  }
}

}  // namespace

TEST_CASE("in front of a cluster, FLUSHALL and FLUSHDB clear database 0 and succeed",
          "[commands]") {
  if (!in_front_of_cluster()) {
    SUCCEED("the proxy in front of a Redis Cluster only");
    return;
  }
  same_as_cluster_node("k", {{"SET", "k", "1"},
                             {"SET", "{k}2", "2"},
                             {"DBSIZE"},
                             {"INFO", "keyspace"},
                             {"FLUSHALL"},
                             {"DBSIZE"},
                             {"SET", "k", "1"},
                             {"FLUSHALL", "ASYNC"},
                             {"FLUSHALL", "SYNC"},
                             {"FLUSHALL", "BAD"},
                             {"SET", "k", "1"},
                             {"FLUSHDB"},
                             {"DBSIZE"},
                             {"INFO", "keyspace"},
                             {"FLUSHDB", "BAD"}});
}

TEST_CASE("in front of a cluster, SELECT takes database 0 only, as a cluster node", "[commands]") {
  if (!in_front_of_cluster()) {
    SUCCEED("the proxy in front of a Redis Cluster only");
    return;
  }
  same_as_cluster_node("k", {{"SELECT", "0"},
                             {"SELECT", "1"},
                             {"SELECT", "15"},
                             {"SELECT", "16"},
                             {"SELECT", "-1"},
                             {"SELECT", "abc"},
                             {"SELECT", "99999999999"},
                             {"SET", "k", "1"},
                             {"MULTI"},
                             {"SELECT", "1"},
                             {"SET", "k", "2"},
                             {"EXEC"},
                             {"GET", "k"},
                             {"CONFIG", "GET", "databases"}});
}

TEST_CASE("in front of a cluster, MOVE and COPY ... DB refuse other databases, as a cluster node",
          "[commands]") {
  if (!in_front_of_cluster()) {
    SUCCEED("the proxy in front of a Redis Cluster only");
    return;
  }
  same_as_cluster_node("k", {{"SET", "k", "1"},
                             {"MOVE", "k", "1"},
                             {"MOVE", "k", "0"},
                             {"MOVE", "k", "abc"},
                             {"MOVE", "{k}missing", "1"},
                             {"COPY", "k", "{k}2", "DB", "1"},
                             {"COPY", "k", "{k}2", "DB", "15"},
                             {"COPY", "k", "{k}2", "DB", "16"},
                             {"COPY", "k", "{k}2", "DB", "-1"},
                             {"COPY", "k", "{k}2", "DB", "abc"},
                             {"COPY", "k", "{k}2", "DB", "1", "BAD"},
                             {"COPY", "k", "k", "DB", "0"},
                             {"COPY", "k", "{k}2", "DB", "0"},
                             {"COPY", "k", "{k}3"},
                             {"MULTI"},
                             {"MOVE", "k", "1"},
                             {"COPY", "k", "{k}4", "DB", "1"},
                             {"EXEC"},
                             {"DBSIZE"}});
}

// Keys of two slots in one command: the error a cluster node answers, code and all ("a" and "b"
// hash to slots 15495 and 3300).
TEST_CASE("in front of a cluster, keys of two slots are refused with CROSSSLOT", "[commands]") {
  if (!in_front_of_cluster()) {
    SUCCEED("the proxy in front of a Redis Cluster only");
    return;
  }
  auto subject = connect_to_subject();
  auto& proxy = subject.connection;
  const std::string cross_slot = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";
  for (const command& c : std::vector<command>{{"MSET", "a", "1", "b", "2"},
                                               {"MSETNX", "a", "1", "b", "2"},
                                               {"MGET", "a", "b"},
                                               {"DEL", "a", "b"},
                                               {"UNLINK", "a", "b"},
                                               {"EXISTS", "a", "b"},
                                               {"TOUCH", "a", "b"},
                                               {"RENAME", "a", "b"},
                                               {"COPY", "a", "b"},
                                               {"WATCH", "a", "b"}}) {
    INFO(c[0]);
    CHECK(testing::escape_bytes(proxy->call(c).value_or("")) == testing::escape_bytes(cross_slot));
  }
  CHECK(proxy->call({"DBSIZE"}).value_or("") == ":0\r\n");
}

TEST_CASE(
    "in front of a cluster, a transaction over two slots is refused as a node serving both "
    "refuses it: one command at once, several at EXEC; the whole keyspace with a watch fails "
    "EXEC; nothing written",
    "[commands]") {
  if (!in_front_of_cluster()) {
    SUCCEED("the proxy in front of a Redis Cluster only");
    return;
  }
  auto subject = connect_to_subject();
  auto& proxy = subject.connection;
  const std::string cross_slot = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";
  const std::string aborted = "-EXECABORT Transaction discarded because of previous errors.\r\n";
  REQUIRE(proxy->call({"SET", "a", "1"}).value_or("") == "+OK\r\n");
  // `a` and `b` are on two slots. A node checks each queued command alone: two slots in one
  // command are refused as it is queued, and EXEC aborts.
  CHECK(replies(*proxy, {{"MULTI"}, {"INCR", "a"}, {"MSET", "a", "5", "b", "5"}, {"EXEC"}}) ==
        std::vector<std::string>{"+OK\r\n", "+QUEUED\r\n", cross_slot, aborted});
  // Two slots over two commands: EXEC checks them all.
  CHECK(replies(*proxy, {{"MULTI"}, {"INCR", "a"}, {"SET", "b", "2"}, {"EXEC"}}) ==
        std::vector<std::string>{"+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n", cross_slot});
  // The watched keys' slot holds the transaction: it runs on that slot's master.
  CHECK(replies(*proxy, {{"WATCH", "a"}, {"MULTI"}, {"INCR", "a"}, {"SET", "b", "2"}, {"EXEC"}}) ==
        std::vector<std::string>{"+OK\r\n", "+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n", cross_slot});
  // A watch on the whole keyspace is not possible: the transaction fails at EXEC.
  CHECK(replies(*proxy, {{"WATCH", "a"}, {"MULTI"}, {"INCR", "a"}, {"DBSIZE"}, {"EXEC"}}) ==
        std::vector<std::string>{"+OK\r\n", "+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n",
                                 "-ERR redis cluster: a transaction holds keys of one slot, not "
                                 "operations on the whole bucket\r\n"});
  CHECK(proxy->call({"GET", "a"}).value_or("") == "$1\r\n1\r\n");
  CHECK(proxy->call({"EXISTS", "b"}).value_or("") == ":0\r\n");
  // One slot, watched or not, runs (so does a slot watched before, then released); so does the
  // whole keyspace without a watch, atomic on each master.
  CHECK(replies(*proxy, {{"WATCH", "b"},
                         {"UNWATCH"},
                         {"WATCH", "{a}x"},
                         {"MULTI"},
                         {"INCR", "a"},
                         {"SET", "{a}y", "1"},
                         {"EXEC"}}) ==
        std::vector<std::string>{"+OK\r\n", "+OK\r\n", "+OK\r\n", "+OK\r\n", "+QUEUED\r\n",
                                 "+QUEUED\r\n", "*2\r\n:2\r\n+OK\r\n"});
  CHECK(replies(*proxy, {{"MULTI"}, {"INCR", "a"}, {"DBSIZE"}, {"EXEC"}}) ==
        std::vector<std::string>{"+OK\r\n", "+QUEUED\r\n", "+QUEUED\r\n", "*2\r\n:3\r\n:2\r\n"});
}

// A key on the master of `key`'s slot but on another slot: a node answers for both (no MOVED),
// so only its slot check refuses them together.
static std::string other_slot_same_master(testing::redis_cluster& cluster, const std::string& key) {
  auto* master = master_for(cluster, key);
  auto any = testing::resp_connection::connect(cluster.node(0).port());
  if (master == nullptr || !any) {
    return {};
  }
  const auto slot = any->call({"CLUSTER", "KEYSLOT", key});
  for (int i = 0; i < 1000; ++i) {
    const std::string candidate = "other" + std::to_string(i);
    if (master_for(cluster, candidate) == master &&
        any->call({"CLUSTER", "KEYSLOT", candidate}) != slot) {
      return candidate;
    }
  }
  return {};
}

// Puts back settings a test changes on a server (a cluster node the other tests share), on a
// connection of its own, however the test ends.
class settings_restorer {
 public:
  settings_restorer(int port, std::vector<std::string> names) : port_(port) {
    auto conn = testing::resp_connection::connect(port);
    REQUIRE(conn);
    for (auto& name : names) {
      // *2 $<n> name $<m> value
      const std::string reply = conn->call({"CONFIG", "GET", name}).value_or("");
      const auto last = reply.rfind("\r\n", reply.size() - 3);
      REQUIRE(reply.starts_with("*2\r\n"));
      REQUIRE(last != std::string::npos);
      saved_.push_back({std::move(name), reply.substr(last + 2, reply.size() - last - 4)});
    }
  }
  ~settings_restorer() {
    auto conn = testing::resp_connection::connect(port_);
    for (const auto& [name, value] : saved_) {
      if (conn) {
        (void)conn->call({"CONFIG", "SET", name, value});
      }
    }
  }
  settings_restorer(const settings_restorer&) = delete;
  settings_restorer& operator=(const settings_restorer&) = delete;

 private:
  int port_;
  std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_CASE(
    "in front of a cluster, keys of two slots are refused before memory and replicas are "
    "checked, and before syntax, as a node: a command alone, or EXEC over its queue, which it "
    "discards with its watches",
    "[commands]") {
  if (!in_front_of_cluster()) {
    SUCCEED("the proxy in front of a Redis Cluster only");
    return;
  }
  auto subject = connect_to_subject();  // starts the cluster too
  auto* cluster = testing::backend_redis_cluster();
  REQUIRE(cluster != nullptr);
  const std::string other = other_slot_same_master(*cluster, "a");
  REQUIRE_FALSE(other.empty());
  // {connection, command}: connection 1 changes the settings while connection 0 is in MULTI.
  // A node's min-replicas-to-write of 2 fails with its one replica; the proxy has none.
  const std::vector<std::pair<int, command>> steps{
      {1, {"CONFIG", "SET", "min-replicas-to-write", "2"}},
      {0, {"MSET", "a", "1", other, "2"}},  // 1: CROSSSLOT, not NOREPLICAS
      {0, {"SET", "a", "1"}},               // 2: NOREPLICAS
      {0, {"MULTI"}},
      {0, {"MSET", "a", "1", other, "2"}},
      {0, {"EXEC"}},
      {1, {"CONFIG", "SET", "min-replicas-to-write", "0"}},
      {0, {"WATCH", "a"}},
      {0, {"MULTI"}},
      {0, {"INCR", "a"}},
      {0, {"SET", other, "2"}},
      {1, {"CONFIG", "SET", "min-replicas-to-write", "2"}},
      {0, {"EXEC"}},  // 12: CROSSSLOT, not EXECABORT ... NOREPLICAS; the transaction is gone
      {0, {"EXEC"}},
      {1, {"CONFIG", "SET", "min-replicas-to-write", "0"}},
      {1, {"SET", "a", "9"}},  // the watch went with the transaction: the next EXEC runs
      {0, {"MULTI"}},
      {0, {"GET", "a"}},
      {0, {"EXEC"}},  // 18
      {1, {"CONFIG", "SET", "maxmemory", "1"}},
      {0, {"MSET", "a", "1", other, "2"}},  // 20: CROSSSLOT, not OOM
      {0, {"SET", "a", "1"}},               // 21: OOM
      {1, {"CONFIG", "SET", "maxmemory", "0"}},
      {0, {"MULTI"}},
      {0, {"WATCH", "a", other}},  // 24: CROSSSLOT before WATCH's own refusal inside MULTI
      {0, {"WATCH", "a"}},
      {0, {"EXEC"}},
      {0, {"MULTI"}},
      {0, {"GET", "a"}},
      {0, {"GET", other}},
      {0, {"SET", "a"}},  // dooms the transaction; what was queued stays
      {0, {"EXEC"}},      // 31: CROSSSLOT over the queue, before EXECABORT
      {0, {"EXISTS", "a"}},
      {0, {"EXISTS", other}},
      {0, {"COPY", "a", other, "REPLACE", "foo"}}};  // 34: slots before syntax
  auto run = [&](int port) {
    settings_restorer restore(port, {"min-replicas-to-write", "maxmemory"});
    std::vector<std::string> got;
    auto first = testing::resp_connection::connect(port);
    auto second = testing::resp_connection::connect(port);
    REQUIRE(first);
    REQUIRE(second);
    for (const auto& [which, c] : steps) {
      got.push_back((which == 0 ? first : second)->call(c).value_or("<no reply>"));
    }
    return got;
  };
  REQUIRE(subject.connection->call({"FLUSHALL"}).value_or("") == "+OK\r\n");
  const auto expected = run(master_for(*cluster, "a")->port());
  REQUIRE(subject.connection->call({"FLUSHALL"}).value_or("") == "+OK\r\n");
  const auto got = run(subject.srv->port());
  // The premises, on the node.
  const std::string cross_slot = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";
  for (std::size_t i : {1, 12, 20, 24, 31, 34}) {
    INFO(i);
    CHECK(expected[i] == cross_slot);
  }
  CHECK(expected[2].starts_with("-NOREPLICAS "));
  CHECK(expected[18] == "*1\r\n$1\r\n9\r\n");
  CHECK(expected[21].starts_with("-OOM "));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    INFO(i << ": " << steps[i].second[0]);
    CHECK(testing::escape_bytes(got[i]) == testing::escape_bytes(expected[i]));
  }
}

TEST_CASE("in front of a cluster, a pipeline takes effect in order across every kind of command",
          "[commands]") {
  if (!in_front_of_cluster()) {
    SUCCEED("the proxy in front of a Redis Cluster only");
    return;
  }
  auto subject = connect_to_subject();
  auto& proxy = subject.connection;
  REQUIRE(proxy->call({"FLUSHALL"}).value_or("") == "+OK\r\n");

  constexpr int kRounds = 50, kKeys = 20;
  std::string pipeline;
  std::vector<std::string> expected;
  for (int round = 0; round < kRounds; ++round) {
    for (int k = 0; k < kKeys; ++k) {
      pipeline += testing::encode_command({"INCR", "key" + std::to_string(k)});
      expected.push_back(":" + std::to_string(round + 1) + "\r\n");
    }
    // Sees every INCR before it, and none after.
    pipeline += testing::encode_command({"DBSIZE"});
    expected.push_back(":" + std::to_string(kKeys) + "\r\n");
    pipeline += testing::encode_command({"MGET", "key0", "key1"});
    expected.push_back("-CROSSSLOT Keys in request don't hash to the same slot\r\n");
    pipeline += testing::encode_command({"SET", "round", std::to_string(round)});
    expected.push_back("+OK\r\n");
    pipeline += testing::encode_command({"DEL", "round"});
    expected.push_back(":1\r\n");
  }
  REQUIRE(proxy->send(pipeline));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("reply " << i);
    REQUIRE(testing::escape_bytes(proxy->read_reply().value_or("<no reply>")) ==
            testing::escape_bytes(expected[i]));
  }
  CHECK(proxy->call({"GET", "key7"}).value_or("") ==
        "$" + std::to_string(std::to_string(kRounds).size()) + "\r\n" + std::to_string(kRounds) +
            "\r\n");
}

}  // namespace atomkv::proxy_tests

namespace atomkv::proxy_tests {

// The proxy's WATCH holds a connection to the master of the watched slot: a write there by a
// client straight on the cluster makes EXEC fail (nil), nothing applied; an untouched watch
// commits; a key of another slot is refused while keys are watched.
TEST_CASE(
    "in front of a cluster, a write straight to the slot's master between WATCH and EXEC "
    "makes EXEC return nil",
    "[commands]") {
  if (!in_front_of_cluster()) {
    SUCCEED("the proxy in front of a Redis Cluster only");
    return;
  }
  auto srv = start_plain_subject();
  INFO(srv->error());
  REQUIRE(srv->running());
  auto* cluster = testing::backend_redis_cluster();
  REQUIRE(cluster != nullptr);
  auto* master = master_for(*cluster, "watched");
  REQUIRE(master != nullptr);
  auto node = testing::resp_connection::connect(master->port());
  REQUIRE(node);
  auto proxy = testing::resp_connection::connect(srv->port());
  REQUIRE(proxy);
  REQUIRE(proxy->call({"FLUSHALL"}).value_or("") == "+OK\r\n");

  for (int round = 0; round < 20; ++round) {
    INFO("round " << round);
    REQUIRE(proxy->call({"SET", "watched", "before"}).value_or("") == "+OK\r\n");
    REQUIRE(proxy->call({"WATCH", "watched"}).value_or("") == "+OK\r\n");
    REQUIRE(node->call({"SET", "watched", "straight"}).value_or("") == "+OK\r\n");
    REQUIRE(proxy->call({"MULTI"}).value_or("") == "+OK\r\n");
    REQUIRE(proxy->call({"SET", "watched", "through the proxy"}).value_or("") == "+QUEUED\r\n");
    CHECK(proxy->call({"EXEC"}).value_or("") == "*-1\r\n");
    CHECK(proxy->call({"GET", "watched"}).value_or("") == "$8\r\nstraight\r\n");

    // Untouched, the same transaction commits.
    REQUIRE(proxy->call({"WATCH", "watched"}).value_or("") == "+OK\r\n");
    REQUIRE(proxy->call({"MULTI"}).value_or("") == "+OK\r\n");
    REQUIRE(proxy->call({"INCR", "{watched}n"}).value_or("") == "+QUEUED\r\n");
    CHECK(proxy->call({"EXEC"}).value_or("") == "*1\r\n:" + std::to_string(round + 1) + "\r\n");
  }
  // Keys of another slot while one is watched: refused, and the watch still holds.
  REQUIRE(proxy->call({"WATCH", "watched"}).value_or("") == "+OK\r\n");
  CHECK(proxy->call({"WATCH", "other"}).value_or("") ==
        "-CROSSSLOT Keys in request don't hash to the same slot\r\n");
  REQUIRE(node->call({"SET", "watched", "again"}).value_or("") == "+OK\r\n");
  REQUIRE(proxy->call({"MULTI"}).value_or("") == "+OK\r\n");
  REQUIRE(proxy->call({"SET", "{watched}x", "1"}).value_or("") == "+QUEUED\r\n");
  CHECK(proxy->call({"EXEC"}).value_or("") == "*-1\r\n");
  CHECK(proxy->call({"EXISTS", "{watched}x"}).value_or("") == ":0\r\n");
}

}  // namespace atomkv::proxy_tests
