// The proxy's commands through hiredis, with the proxy on memory:// (or the running proxy that
// $ATOMKV_TEST_PROXY_URL names, on its own backend). Exact bytes are the differential test's job;
// here a real client library sees the replies it expects.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "proxy/hiredis_client.hpp"
#include "proxy/servers.hpp"
#include "support/child_process.hpp"
#include "support/resp_client.hpp"

namespace atomkv::proxy_tests {

namespace {

std::unique_ptr<server> ready(std::unique_ptr<server> s) {
  INFO(s->error());
  REQUIRE(s->running());
  return s;
}

// Tests that need nothing special may run on a shared proxy (see start_plain_subject).
std::unique_ptr<server> started() {
  return ready(start_plain_subject());
}
std::unique_ptr<server> started(const server_settings& settings) {
  return ready(start_subject(settings));
}

std::vector<std::string> strings(const reply_ptr& r) {
  std::vector<std::string> out;
  if (r && r->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < r->elements; ++i) {
      auto* e = r->element[i];
      out.push_back(e->type == REDIS_REPLY_NIL ? "(nil)" : std::string(e->str, e->len));
    }
  }
  return out;
}

// A reply as text, arrays in brackets: "[get 2 [readonly fast] 1]".
std::string rendered(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_ARRAY: {
      std::string out = "[";
      for (size_t i = 0; i < r->elements; ++i) {
        out += (i ? " " : "") + rendered(r->element[i]);
      }
      return out + "]";
    }
    case REDIS_REPLY_INTEGER:
      return std::to_string(r->integer);
    case REDIS_REPLY_NIL:
      return "(nil)";
    default:
      return std::string(r->str, r->len);
  }
}

// INFO's section headers, in order: "Server Clients ...".
std::string info_headers(const std::string& text) {
  std::string out;
  std::size_t at = 0;
  while ((at = text.find("# ", at)) != std::string::npos) {
    auto end = text.find("\r\n", at);
    out += (out.empty() ? "" : " ") + text.substr(at + 2, end - at - 2);
    at = end;
  }
  return out;
}

// The value of `field` in INFO's text, or "(none)".
std::string info_field(const std::string& text, const std::string& field) {
  auto at = text.find("\r\n" + field + ":");
  if (at == std::string::npos) {
    return "(none)";
  }
  at += field.size() + 3;
  return text.substr(at, text.find("\r\n", at) - at);
}

}  // namespace

TEST_CASE("strings and keys through hiredis", "[commands]") {
  auto srv = started();
  hiredis_client c(*srv);
  REQUIRE(c.ok());

  CHECK(str(c.cmd({"PING"})) == "PONG");
  CHECK(str(c.cmd({"PING", "hi"})) == "hi");
  CHECK(str(c.cmd({"ECHO", "x y"})) == "x y");
  CHECK(str(c.cmd({"GET", "k"})) == "(nil)");
  CHECK(str(c.cmd({"SET", "k", "v"})) == "OK");
  CHECK(str(c.cmd({"GET", "k"})) == "v");
  CHECK(str(c.cmd({"SET", "k", "w", "NX"})) == "(nil)");
  CHECK(str(c.cmd({"SET", "k", "w", "XX", "GET"})) == "v");
  CHECK(str(c.cmd({"SET", "nx", "1", "NX"})) == "OK");
  CHECK(str(c.cmd({"SET", "xx", "1", "XX"})) == "(nil)");
  CHECK(is_error(c.cmd({"SET", "k", "v", "NX", "XX"}), "ERR syntax error"));
  CHECK(integer(c.cmd({"SETNX", "k", "z"})) == 0);
  CHECK(integer(c.cmd({"SETNX", "k2", "z"})) == 1);
  CHECK(str(c.cmd({"GETSET", "k2", "y"})) == "z");
  CHECK(str(c.cmd({"GETDEL", "k2"})) == "y");
  CHECK(str(c.cmd({"GETDEL", "k2"})) == "(nil)");

  std::string binary("a\0b\r\nc", 6);
  CHECK(str(c.cmd({"SET", binary, binary})) == "OK");
  CHECK(str(c.cmd({"GET", binary})) == binary);
  std::string big(1 << 20, 'x');
  big[12345] = '\0';
  CHECK(str(c.cmd({"SET", "big", big})) == "OK");
  CHECK(str(c.cmd({"GET", "big"})) == big);
  CHECK(integer(c.cmd({"STRLEN", "big"})) == (1 << 20));
  CHECK(integer(c.cmd({"STRLEN", "none"})) == 0);
  CHECK(str(c.cmd({"TYPE", "big"})) == "string");
  CHECK(str(c.cmd({"TYPE", "none"})) == "none");

  // The keys of each command share a hash tag, so that a cluster serves them in one slot.
  CHECK(str(c.cmd({"MSET", "{t}a", "1", "{t}b", "2"})) == "OK");
  CHECK(strings(c.cmd({"MGET", "{t}a", "{t}b", "{t}none"})) ==
        std::vector<std::string>{"1", "2", "(nil)"});
  CHECK(integer(c.cmd({"MSETNX", "{t}a", "9", "{t}c", "3"})) == 0);
  CHECK(str(c.cmd({"GET", "{t}c"})) == "(nil)");
  CHECK(integer(c.cmd({"MSETNX", "{t}c", "3", "{t}d", "4"})) == 1);
  CHECK(integer(c.cmd({"EXISTS", "{t}a", "{t}a", "{t}none", "{t}b"})) == 3);
  CHECK(integer(c.cmd({"DEL", "{t}a", "{t}a", "{t}none"})) == 1);
  CHECK(integer(c.cmd({"UNLINK", "{t}b", "{t}c"})) == 2);
  CHECK(integer(c.cmd({"EXISTS", "{t}a", "{t}b", "{t}c", "{t}d"})) == 1);

  CHECK(is_error(c.cmd({"NOSUCH", "x"}),
                 "ERR unknown command 'NOSUCH', with args beginning with: 'x' "));
  CHECK(is_error(c.cmd({"GET"}), "ERR wrong number of arguments for 'get' command"));
}

TEST_CASE("keys, scan, dbsize and flushes through hiredis", "[commands]") {
  auto srv = started();
  hiredis_client c(*srv);
  REQUIRE(c.ok());
  // One SET per key, so that on a cluster the keys spread over every master's slots.
  int set = 0;
  for (int i = 0; i < 1000; ++i) {
    set += str(c.cmd({"SET", "key:" + std::to_string(i), std::to_string(i)})) == "OK";
  }
  CHECK(set == 1000);
  CHECK(integer(c.cmd({"DBSIZE"})) == 1000);
  CHECK(strings(c.cmd({"KEYS", "*"})).size() == 1000);
  auto some = strings(c.cmd({"KEYS", "key:99?"}));
  std::sort(some.begin(), some.end());
  CHECK(some == std::vector<std::string>{"key:990", "key:991", "key:992", "key:993", "key:994",
                                         "key:995", "key:996", "key:997", "key:998", "key:999"});

  // A full SCAN returns every key at least once. A page holds about COUNT keys, as Redis's do, so
  // that one call costs about its COUNT however large the database.
  for (std::string count : {"1", "10", "1000"}) {
    std::set<std::string> seen;
    std::string cursor = "0";
    int rounds = 0;
    std::size_t largest_page = 0;
    do {
      auto r = c.cmd({"SCAN", cursor, "COUNT", count});
      REQUIRE(r);
      REQUIRE(r->type == REDIS_REPLY_ARRAY);
      REQUIRE(r->elements == 2);
      cursor = std::string(r->element[0]->str, r->element[0]->len);
      largest_page = std::max(largest_page, r->element[1]->elements);
      for (size_t i = 0; i < r->element[1]->elements; ++i) {
        seen.insert(std::string(r->element[1]->element[i]->str, r->element[1]->element[i]->len));
      }
      REQUIRE(++rounds < 100000);
    } while (cursor != "0");
    CHECK(seen.size() == 1000);
    INFO("COUNT " << count);
    CHECK(largest_page <= 5 * std::stoul(count) + 10);
  }
  std::set<std::string> matched;
  std::string cursor = "0";
  do {
    auto r = c.cmd({"SCAN", cursor, "MATCH", "key:1?", "COUNT", "7"});
    REQUIRE((r && r->type == REDIS_REPLY_ARRAY && r->elements == 2));
    cursor = std::string(r->element[0]->str, r->element[0]->len);
    for (size_t i = 0; i < r->element[1]->elements; ++i) {
      matched.insert(r->element[1]->element[i]->str);
    }
  } while (cursor != "0");
  CHECK(matched.size() == 10);

  CHECK(str(c.cmd({"FLUSHDB"})) == "OK");
  CHECK(integer(c.cmd({"DBSIZE"})) == 0);
  CHECK(str(c.cmd({"SET", "x", "1"})) == "OK");
  CHECK(str(c.cmd({"FLUSHALL"})) == "OK");
  CHECK(integer(c.cmd({"DBSIZE"})) == 0);
  CHECK(str(c.cmd({"SELECT", "0"})) == "OK");
}

TEST_CASE("counters through hiredis", "[commands]") {
  auto srv = started();
  hiredis_client c(*srv);
  REQUIRE(c.ok());
  CHECK(integer(c.cmd({"INCR", "n"})) == 1);
  CHECK(integer(c.cmd({"INCRBY", "n", "41"})) == 42);
  CHECK(integer(c.cmd({"DECR", "n"})) == 41);
  CHECK(integer(c.cmd({"DECRBY", "n", "50"})) == -9);
  CHECK(str(c.cmd({"GET", "n"})) == "-9");
  CHECK(str(c.cmd({"SET", "n", "9223372036854775807"})) == "OK");
  CHECK(is_error(c.cmd({"INCR", "n"}), "ERR increment or decrement would overflow"));
  CHECK(is_error(c.cmd({"DECRBY", "n", "-9223372036854775808"}), "ERR decrement would overflow"));
  CHECK(str(c.cmd({"SET", "s", "x"})) == "OK");
  CHECK(is_error(c.cmd({"INCR", "s"}), "ERR value is not an integer or out of range"));
  CHECK(str(c.cmd({"GET", "s"})) == "x");
}

TEST_CASE("connection commands through hiredis", "[commands]") {
  auto srv = started();
  hiredis_client c(*srv);
  REQUIRE(c.ok());
  CHECK(str(c.cmd({"CLIENT", "GETNAME"})) == "(nil)");
  CHECK(str(c.cmd({"CLIENT", "SETNAME", "tester"})) == "OK");
  CHECK(str(c.cmd({"CLIENT", "GETNAME"})) == "tester");
  auto id = c.cmd({"CLIENT", "ID"});
  REQUIRE(id);
  CHECK(id->type == REDIS_REPLY_INTEGER);
  CHECK(id->integer > 0);
  hiredis_client other(*srv);
  CHECK(integer(other.cmd({"CLIENT", "ID"})) != id->integer);
  auto list = str(c.cmd({"CLIENT", "LIST"}));
  CHECK(list.find("name=tester") != std::string::npos);
  CHECK(list.find("id=" + std::to_string(id->integer) + " ") != std::string::npos);
  // Redis 7.2 added CLIENT SETINFO; redis-server 7.0 does not have it.
  if (subject_is_proxy()) {
    CHECK(str(c.cmd({"CLIENT", "SETINFO", "LIB-NAME", "atomkv-tests"})) == "OK");
    CHECK(str(c.cmd({"CLIENT", "SETINFO", "LIB-VER", "1.0"})) == "OK");
  }
  CHECK(str(c.cmd({"SELECT", "0"})) == "OK");

  auto info = c.cmd({"INFO"});
  REQUIRE(info);
  CHECK(info->type == REDIS_REPLY_STRING);
  CHECK(str(info).find("# Server") != std::string::npos);
  auto server_info = str(c.cmd({"INFO", "server"}));
  CHECK(server_info.find("redis_version:") != std::string::npos);

  CHECK(strings(c.cmd({"CONFIG", "GET", "maxclients"})) ==
        std::vector<std::string>{"maxclients", "10000"});

  auto count = c.cmd({"COMMAND", "COUNT"});
  REQUIRE(count);
  CHECK(count->type == REDIS_REPLY_INTEGER);
  auto all = c.cmd({"COMMAND"});
  REQUIRE(all);
  CHECK(all->type == REDIS_REPLY_ARRAY);
  CHECK(static_cast<long long>(all->elements) == count->integer);
  std::set<std::string> names;
  for (size_t i = 0; i < all->elements; ++i) {
    if (all->element[i]->type == REDIS_REPLY_ARRAY && all->element[i]->elements > 0) {
      names.insert(all->element[i]->element[0]->str);
    }
  }
  for (const char* name : {"get", "set", "incrby", "multi", "exec", "watch", "scan", "hello"}) {
    INFO(name);
    CHECK(names.count(name) == 1);
  }
  auto info_get = c.cmd({"COMMAND", "INFO", "get"});
  REQUIRE(info_get);
  REQUIRE(info_get->type == REDIS_REPLY_ARRAY);
  REQUIRE(info_get->elements == 1);
  CHECK(std::string(info_get->element[0]->element[0]->str) == "get");
  CHECK(info_get->element[0]->element[1]->integer == 2);
  auto docs = c.cmd({"COMMAND", "DOCS", "get"});
  REQUIRE(docs);
  CHECK(docs->type == REDIS_REPLY_ARRAY);
  CHECK(docs->elements == 2);
}

// Redis 7.0 has no CLIENT SETINFO, so the differential test cannot compare these: the proxy
// describes it as Redis 7.2 does.
TEST_CASE("COMMAND INFO and DOCS of CLIENT SETINFO", "[commands]") {
  if (!subject_is_proxy()) {
    return;
  }
  auto srv = started();
  hiredis_client c(*srv);
  REQUIRE(c.ok());
  auto info = c.cmd({"COMMAND", "INFO", "client|setinfo"});
  REQUIRE(info);
  CHECK(rendered(info.get()) ==
        "[[client|setinfo 4 [noscript loading stale] 0 0 0 [@slow @connection] "
        "[request_policy:all_nodes response_policy:all_succeeded] [] []]]");
  auto docs = c.cmd({"COMMAND", "DOCS", "client|setinfo"});
  REQUIRE(docs);
  CHECK(rendered(docs.get()) ==
        "[client|setinfo [summary Sets information specific to the client or connection. "
        "since 7.2.0 group connection complexity O(1) arguments [[name attr type oneof "
        "arguments [[name libname type string token LIB-NAME] "
        "[name libver type string token LIB-VER]]]]]]");
  // CLIENT lists it among its subcommands.
  auto client = c.cmd({"COMMAND", "INFO", "client"});
  REQUIRE(client);
  CHECK(rendered(client.get()).find("[client|setinfo 4 ") != std::string::npos);
}

TEST_CASE("transactions through hiredis", "[commands]") {
  auto srv = started();
  hiredis_client a(*srv), b(*srv);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(str(a.cmd({"WATCH", "k"})) == "OK");
  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(str(a.cmd({"SET", "k", "1"})) == "QUEUED");
  CHECK(str(a.cmd({"INCR", "k"})) == "QUEUED");
  auto r = a.cmd({"EXEC"});
  REQUIRE(r);
  REQUIRE(r->type == REDIS_REPLY_ARRAY);
  REQUIRE(r->elements == 2);
  CHECK(std::string(r->element[0]->str) == "OK");
  CHECK(r->element[1]->integer == 2);

  CHECK(str(a.cmd({"WATCH", "k"})) == "OK");
  CHECK(str(b.cmd({"SET", "k", "2"})) == "OK");
  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(str(a.cmd({"SET", "k", "3"})) == "QUEUED");
  auto aborted = a.cmd({"EXEC"});
  REQUIRE(aborted);
  CHECK(aborted->type == REDIS_REPLY_NIL);
  CHECK(str(a.cmd({"GET", "k"})) == "2");

  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(is_error(a.cmd({"NOSUCH"}), "ERR unknown command 'NOSUCH', with args beginning with: "));
  CHECK(is_error(a.cmd({"EXEC"}), "EXECABORT Transaction discarded because of previous errors."));
  CHECK(is_error(a.cmd({"EXEC"}), "ERR EXEC without MULTI"));
  CHECK(is_error(a.cmd({"DISCARD"}), "ERR DISCARD without MULTI"));
}

// EXEC applies its batch in one step on one database, so the proxy refuses, when it is queued,
// a data command of a second database (Redis runs such a transaction across both).
TEST_CASE("a transaction over two databases is refused and writes nothing", "[commands]") {
  if (subject_backend() == "redis-cluster") {
    SUCCEED("a Redis Cluster has database 0 only");
    return;
  }
  auto srv = started();
  hiredis_client a(*srv), b(*srv);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  const std::string two_databases =
      "ERR atomkv-proxy cannot queue commands of two databases in one transaction";
  const std::string watched_elsewhere =
      "ERR atomkv-proxy cannot queue commands of one database after WATCHing keys of another";
  const bool proxy = subject_is_proxy();
  auto in_db = [&](const std::string& db, const std::string& key) {
    CHECK(str(b.cmd({"SELECT", db})) == "OK");
    return str(b.cmd({"GET", key}));
  };

  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(str(a.cmd({"SET", "a", "1"})) == "QUEUED");
  CHECK(str(a.cmd({"SELECT", "1"})) == "QUEUED");
  CHECK(str(a.cmd({"PING"})) == "QUEUED");
  if (!proxy) {
    CHECK(str(a.cmd({"SET", "b", "2"})) == "QUEUED");
    CHECK(strings(a.cmd({"EXEC"})) == std::vector<std::string>{"OK", "OK", "PONG", "OK"});
    CHECK(in_db("0", "a") == "1");
    CHECK(in_db("1", "b") == "2");
    return;
  }
  CHECK(is_error(a.cmd({"SET", "b", "2"}), two_databases));
  CHECK(str(a.cmd({"SELECT", "0"})) == "QUEUED");
  CHECK(str(a.cmd({"SET", "c", "3"})) == "QUEUED");  // the first database's, again
  CHECK(is_error(a.cmd({"EXEC"}), "EXECABORT Transaction discarded because of previous errors."));
  for (const char* db : {"0", "1"}) {
    INFO("database " << db);
    CHECK(in_db(db, "a") == "(nil)");
    CHECK(in_db(db, "b") == "(nil)");
    CHECK(in_db(db, "c") == "(nil)");
    CHECK(integer(b.cmd({"DBSIZE"})) == 0);
  }
  // The transaction did not run: its SELECT did not either.
  CHECK(str(a.cmd({"SET", "d", "4"})) == "OK");
  CHECK(in_db("0", "d") == "4");

  // Keys watched in one database, commands queued for another.
  CHECK(str(a.cmd({"WATCH", "w"})) == "OK");
  CHECK(str(a.cmd({"SELECT", "1"})) == "OK");
  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(str(a.cmd({"PING"})) == "QUEUED");
  CHECK(is_error(a.cmd({"SET", "w", "1"}), watched_elsewhere));
  CHECK(is_error(a.cmd({"EXEC"}), "EXECABORT Transaction discarded because of previous errors."));
  CHECK(str(a.cmd({"WATCH", "w"})) == "OK");
  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(str(a.cmd({"SELECT", "0"})) == "QUEUED");
  CHECK(is_error(a.cmd({"INCR", "w"}), watched_elsewhere));
  CHECK(is_error(a.cmd({"EXEC"}), "EXECABORT Transaction discarded because of previous errors."));
  CHECK(in_db("0", "w") == "(nil)");
  CHECK(in_db("1", "w") == "(nil)");

  // FLUSHALL and INFO act on every database: they go with a transaction of any one.
  CHECK(str(a.cmd({"SET", "e", "5"})) == "OK");  // database 1
  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(str(a.cmd({"FLUSHALL"})) == "QUEUED");
  CHECK(str(a.cmd({"SELECT", "0"})) == "QUEUED");
  CHECK(str(a.cmd({"SET", "f", "6"})) == "QUEUED");
  CHECK(str(a.cmd({"INFO", "keyspace"})) == "QUEUED");
  auto ran = a.cmd({"EXEC"});
  REQUIRE(ran);
  REQUIRE(ran->type == REDIS_REPLY_ARRAY);
  REQUIRE(ran->elements == 4);
  CHECK(std::string(ran->element[3]->str, ran->element[3]->len) ==
        "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n");
  CHECK(in_db("1", "e") == "(nil)");
  CHECK(in_db("0", "f") == "6");
  CHECK(str(a.cmd({"GET", "f"})) == "6");  // the connection is on database 0 now
}

// SWAPDB inside EXEC runs once the batch has committed, so a command that acts on a database may
// not follow it in one transaction (Redis would run it on the swapped databases).
TEST_CASE("SWAPDB is refused on a cluster, and no data command follows it in a transaction",
          "[commands]") {
  auto srv = started();
  hiredis_client a(*srv), b(*srv);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  if (subject_backend() == "redis-cluster") {
    CHECK(is_error(a.cmd({"SWAPDB", "0", "1"}), "ERR SWAPDB is not allowed in cluster mode"));
    CHECK(is_error(a.cmd({"SWAPDB", "0", "0"}), "ERR SWAPDB is not allowed in cluster mode"));
    return;
  }
  CHECK(str(a.cmd({"SET", "y", "0"})) == "OK");
  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(str(a.cmd({"SET", "y", "5"})) == "QUEUED");
  CHECK(str(a.cmd({"SWAPDB", "0", "1"})) == "QUEUED");
  CHECK(str(a.cmd({"PING"})) == "QUEUED");
  CHECK(str(a.cmd({"SELECT", "1"})) == "QUEUED");
  if (!subject_is_proxy()) {
    CHECK(str(a.cmd({"GET", "y"})) == "QUEUED");
    CHECK(strings(a.cmd({"EXEC"})) == std::vector<std::string>{"OK", "OK", "PONG", "OK", "5"});
    return;
  }
  CHECK(is_error(a.cmd({"GET", "y"}),
                 "ERR atomkv-proxy cannot queue commands that act on a "
                 "database after SWAPDB in one transaction"));
  CHECK(is_error(a.cmd({"EXEC"}), "EXECABORT Transaction discarded because of previous errors."));
  CHECK(str(b.cmd({"GET", "y"})) == "0");  // nothing ran, the SET before SWAPDB included
  CHECK(str(b.cmd({"SELECT", "1"})) == "OK");
  CHECK(str(b.cmd({"GET", "y"})) == "(nil)");

  // A SWAPDB that swaps nothing (one database, or invalid) holds nothing back; WAIT acts on none.
  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(str(a.cmd({"SWAPDB", "3", "3"})) == "QUEUED");
  CHECK(str(a.cmd({"SWAPDB", "0", "x"})) == "QUEUED");
  CHECK(str(a.cmd({"GET", "y"})) == "QUEUED");
  CHECK(str(a.cmd({"SWAPDB", "0", "1"})) == "QUEUED");
  CHECK(str(a.cmd({"WAIT", "0", "0"})) == "QUEUED");
  auto ran = a.cmd({"EXEC"});
  REQUIRE(ran);
  REQUIRE(ran->type == REDIS_REPLY_ARRAY);
  REQUIRE(ran->elements == 5);
  CHECK(str(b.cmd({"SELECT", "0"})) == "OK");
  CHECK(str(b.cmd({"GET", "y"})) == "(nil)");
  CHECK(str(a.cmd({"SWAPDB", "0", "1"})) == "OK");  // back as before
  CHECK(str(b.cmd({"GET", "y"})) == "0");
  CHECK(str(b.cmd({"SELECT", "1"})) == "OK");

  // Commands before it run first, then the swap; SELECT, PING and more swaps may follow.
  CHECK(str(a.cmd({"MULTI"})) == "OK");
  CHECK(str(a.cmd({"SET", "y", "5"})) == "QUEUED");
  CHECK(str(a.cmd({"SWAPDB", "0", "1"})) == "QUEUED");
  CHECK(str(a.cmd({"SELECT", "1"})) == "QUEUED");
  CHECK(str(a.cmd({"SWAPDB", "1", "2"})) == "QUEUED");
  CHECK(strings(a.cmd({"EXEC"})) == std::vector<std::string>{"OK", "OK", "OK", "OK"});
  CHECK(str(b.cmd({"GET", "y"})) == "(nil)");  // b is on database 1
  CHECK(str(b.cmd({"SELECT", "2"})) == "OK");
  CHECK(str(b.cmd({"GET", "y"})) == "5");
}

TEST_CASE("pipelined replies come back in request order", "[commands]") {
  auto srv = started();
  hiredis_client c(*srv);
  REQUIRE(c.ok());
  constexpr int n = 10000;
  for (int i = 0; i < n; ++i) {
    switch (i % 4) {
      case 0:
        c.append({"SET", "p" + std::to_string(i % 13), std::to_string(i)});
        break;
      case 1:
        c.append({"GET", "p" + std::to_string((i - 1) % 13)});
        break;
      case 2:
        c.append({"INCR", "counter"});
        break;
      default:
        c.append({"ECHO", "e" + std::to_string(i)});
        break;
    }
  }
  int wrong = 0;
  for (int i = 0; i < n; ++i) {
    auto r = c.next_reply();
    REQUIRE(r);
    std::string got = str(r);
    std::string want;
    switch (i % 4) {
      case 0:
        want = "OK";
        break;
      case 1:
        want = std::to_string(i - 1);
        break;
      case 2:
        want = "(integer) " + std::to_string(i / 4 + 1);
        break;
      default:
        want = "e" + std::to_string(i);
        break;
    }
    if (got != want && ++wrong <= 5) {
      FAIL_CHECK("reply " << i << ": expected " << want << ", got " << got);
    }
  }
  CHECK(wrong == 0);
}

TEST_CASE("requirepass through hiredis", "[commands]") {
  auto srv = started({.requirepass = "s3cret"});
  hiredis_client c(*srv);
  REQUIRE(c.ok());
  CHECK(is_error(c.cmd({"GET", "k"}), "NOAUTH Authentication required."));
  CHECK(is_error(c.cmd({"PING"}), "NOAUTH Authentication required."));
  CHECK(is_error(c.cmd({"AUTH", "wrong"}),
                 "WRONGPASS invalid username-password pair or user is disabled."));
  CHECK(str(c.cmd({"AUTH", "s3cret"})) == "OK");
  CHECK(str(c.cmd({"SET", "k", "v"})) == "OK");
  hiredis_client d(*srv);
  CHECK(str(d.cmd({"AUTH", "default", "s3cret"})) == "OK");
  CHECK(str(d.cmd({"GET", "k"})) == "v");
  hiredis_client e(*srv);
  CHECK(str(e.cmd({"QUIT"})) == "OK");
}

TEST_CASE("INFO serves Redis 7.0's sections in its order", "[commands]") {
  auto srv = started();
  auto reference = ready(start_reference());
  hiredis_client c(*srv);
  hiredis_client r(*reference);
  REQUIRE((c.ok() && r.ok()));
  const std::vector<std::vector<std::string>> asks = {{"INFO"},
                                                      {"INFO", "default"},
                                                      {"INFO", "all"},
                                                      {"INFO", "everything"},
                                                      {"INFO", "keyspace", "server"},
                                                      {"INFO", "commandstats", "default"},
                                                      {"INFO", "REPLICATION"},
                                                      {"INFO", "cpu", "CPU", "errorstats"},
                                                      {"INFO", "nosuchsection"},
                                                      {"INFO", "modules"}};
  for (const auto& ask : asks) {
    INFO(ask.back());
    CHECK(info_headers(str(c.cmd(ask))) == info_headers(str(r.cmd(ask))));
  }
  // The fields clients read, with the values a master without replicas has.
  const std::string proxy_replication = str(c.cmd({"INFO", "replication"}));
  const std::string redis_replication = str(r.cmd({"INFO", "replication"}));
  for (const char* field :
       {"role", "connected_slaves", "master_failover_state", "master_replid2", "master_repl_offset",
        "second_repl_offset", "repl_backlog_active", "repl_backlog_size"}) {
    INFO(field);
    CHECK(info_field(proxy_replication, field) == info_field(redis_replication, field));
  }
  const std::string replid = info_field(proxy_replication, "master_replid");
  CHECK(replid.size() == 40);
  CHECK(replid.find_first_not_of("0123456789abcdef") == std::string::npos);
  const std::string all = str(c.cmd({"INFO", "everything"}));
  for (const char* field : {"redis_version",
                            "redis_mode",
                            "process_id",
                            "tcp_port",
                            "uptime_in_seconds",
                            "connected_clients",
                            "maxclients",
                            "used_memory",
                            "used_memory_human",
                            "used_memory_rss",
                            "maxmemory",
                            "loading",
                            "rdb_last_bgsave_status",
                            "aof_enabled",
                            "total_connections_received",
                            "total_commands_processed",
                            "rejected_connections",
                            "total_error_replies",
                            "used_cpu_sys",
                            "used_cpu_user",
                            "used_cpu_sys_children",
                            "used_cpu_user_children",
                            "cluster_enabled"}) {
    INFO(field);
    CHECK(info_field(all, field) != "(none)");
  }
}

// Redis's avg_ttl is an estimate from its active expiry's samples (and the proxy shows Redis's in
// front of it), so only the proxy's own backends' figure is checked.
TEST_CASE("INFO keyspace counts keys with a deadline, INFO stats the keys expired", "[commands]") {
  auto srv = started();
  hiredis_client c(*srv);
  REQUIRE(c.ok());
  REQUIRE(str(c.cmd({"FLUSHALL"})) == "OK");
  CHECK(str(c.cmd({"SET", "a", "1"})) == "OK");
  CHECK(str(c.cmd({"SET", "b", "2", "EX", "100"})) == "OK");
  CHECK(str(c.cmd({"SET", "c", "3", "PX", "200000"})) == "OK");
  const std::string db0 = info_field(str(c.cmd({"INFO", "keyspace"})), "db0");
  INFO(db0);
  CHECK(db0.starts_with("keys=3,expires=2,avg_ttl="));
  const bool own_backend =
      subject_is_proxy() && !std::getenv("ATOMKV_TEST_PROXY_URL") &&
      (subject_backend().starts_with("memory") || subject_backend().starts_with("sqlite"));
  if (own_backend) {
    long long avg = std::stoll(db0.substr(db0.find("avg_ttl=") + 8));
    CHECK(avg > 100000);  // the mean of about 100 s and 200 s
    CHECK(avg <= 150000);
  }
  // Inside EXEC, in its place in the transaction.
  CHECK(str(c.cmd({"MULTI"})) == "OK");
  CHECK(str(c.cmd({"PERSIST", "b"})) == "QUEUED");
  CHECK(str(c.cmd({"INFO", "keyspace", "stats"})) == "QUEUED");
  auto ran = c.cmd({"EXEC"});
  REQUIRE(ran);
  REQUIRE(ran->type == REDIS_REPLY_ARRAY);
  REQUIRE(ran->elements == 2);
  const std::string in_exec(ran->element[1]->str, ran->element[1]->len);
  CHECK(info_field(in_exec, "db0").starts_with("keys=3,expires=1,avg_ttl="));
  CHECK(info_field(in_exec, "expired_keys") != "(none)");

  auto expired_keys = [&] {
    return std::stoll(info_field(str(c.cmd({"INFO", "stats"})), "expired_keys"));
  };
  const long long before = expired_keys();
  CHECK(str(c.cmd({"SET", "gone", "v", "PX", "50"})) == "OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(str(c.cmd({"GET", "gone"})) == "(nil)");
  CHECK(expired_keys() >= before + 1);
  CHECK(info_field(str(c.cmd({"INFO", "keyspace"})), "db0").starts_with("keys=3,expires=1,"));
}

TEST_CASE("INFO commandstats and errorstats count as Redis counts", "[commands]") {
  auto srv = started();
  auto reference = ready(start_reference());
  hiredis_client c(*srv);
  hiredis_client r(*reference);
  REQUIRE((c.ok() && r.ok()));
  // The same commands on both, counted from what each said before them.
  auto run = [](hiredis_client& h) {
    auto before = str(h.cmd({"INFO", "commandstats", "errorstats"}));
    h.cmd({"SET", "cs:word", "abc"});
    h.cmd({"GET", "cs:word"});
    h.cmd({"GET", "cs:word"});
    h.cmd({"INCR", "cs:word"});       // runs and fails
    h.cmd({"INCR", "cs:word", "x"});  // refused: arity
    h.cmd({"NOSUCHCOMMAND", "x"});    // no command to count, an error all the same
    h.cmd({"SELECT", "99999"});       // runs and fails
    h.cmd({"CONFIG", "GET", "timeout"});
    h.cmd({"CONFIG", "SET", "nosuch", "1"});
    auto after = str(h.cmd({"INFO", "commandstats", "errorstats"}));
    return std::make_pair(before, after);
  };
  auto [proxy_before, proxy_after] = run(c);
  auto [redis_before, redis_after] = run(r);
  // What the commands added to calls, rejected_calls and failed_calls of "cmdstat_<name>"
  // (not the timings): a proxy given by ATOMKV_TEST_PROXY_URL has counted earlier tests too.
  auto counts = [](const std::string& text, const std::string& name) {
    std::array<long, 3> values{0, 0, 0};
    auto line = info_field(text, "cmdstat_" + name);
    if (line == "(none)") {
      return values;
    }
    const char* keys[] = {"calls", "rejected_calls", "failed_calls"};
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string key = std::string(keys[i]) + "=";
      auto at = line.find(key);
      REQUIRE(at != std::string::npos);
      values[i] = std::stol(line.substr(at + key.size()));
    }
    return values;
  };
  auto delta = [&](const std::string& before, const std::string& after, const std::string& name) {
    auto b = counts(before, name);
    auto a = counts(after, name);
    return "calls+" + std::to_string(a[0] - b[0]) + " rejected+" + std::to_string(a[1] - b[1]) +
           " failed+" + std::to_string(a[2] - b[2]);
  };
  for (const char* name : {"set", "get", "incr", "select", "config|get", "config|set"}) {
    INFO(name);
    CHECK(delta(proxy_before, proxy_after, name) == delta(redis_before, redis_after, name));
  }
  auto errors = [](const std::string& before, const std::string& after) {
    auto count = [](const std::string& text) {
      auto v = info_field(text, "errorstat_ERR");
      return v == "(none)" ? 0L : std::stol(v.substr(v.find('=') + 1));
    };
    return count(after) - count(before);
  };
  CHECK(errors(proxy_before, proxy_after) == errors(redis_before, redis_after));
  CHECK(errors(proxy_before, proxy_after) == 5);
}

TEST_CASE("CONFIG SET changes requirepass, maxclients and timeout at run time", "[commands]") {
  auto srv = started({});
  hiredis_client admin(*srv);
  REQUIRE(admin.ok());
  CHECK(str(admin.cmd({"CONFIG", "SET", "requirepass", "changed"})) == "OK");
  // The connections already authenticated stay so; new ones must AUTH.
  CHECK(str(admin.cmd({"PING"})) == "PONG");
  hiredis_client fresh(*srv);
  CHECK(is_error(fresh.cmd({"PING"}), "NOAUTH Authentication required."));
  CHECK(str(fresh.cmd({"AUTH", "changed"})) == "OK");
  CHECK(str(admin.cmd({"CONFIG", "SET", "requirepass", ""})) == "OK");
  hiredis_client open(*srv);
  CHECK(str(open.cmd({"PING"})) == "PONG");

  CHECK(str(admin.cmd({"CONFIG", "SET", "maxclients", "3", "timeout", "100"})) == "OK");
  CHECK(strings(admin.cmd({"CONFIG", "GET", "timeout"})) ==
        std::vector<std::string>{"timeout", "100"});
  hiredis_client over(*srv);  // the fourth
  CHECK(is_error(over.cmd({"PING"}), "ERR max number of clients reached"));
  CHECK(str(admin.cmd({"CONFIG", "SET", "maxclients", "10000", "timeout", "0"})) == "OK");
  if (!subject_is_proxy()) {
    return;  // redis-server may drop the connection while it restores its limit
  }
  // More clients than the system gives descriptors for: refused, nothing changed.
  auto huge = str(admin.cmd({"CONFIG", "SET", "timeout", "5", "maxclients", "4294967295"}));
  CHECK(huge.find("ERR CONFIG SET failed (possibly related to argument 'maxclients') - The "
                  "operating system is not able to handle the specified number of clients, try "
                  "with ") != std::string::npos);
  CHECK(strings(admin.cmd({"CONFIG", "GET", "maxclients"})) ==
        std::vector<std::string>{"maxclients", "10000"});
  CHECK(strings(admin.cmd({"CONFIG", "GET", "timeout"})) ==
        std::vector<std::string>{"timeout", "0"});
}

TEST_CASE("WAIT for a replica blocks its client until the timeout, or until it leaves",
          "[commands]") {
  using std::chrono::milliseconds;
  auto srv = started({});
  // A fresh connection for each look: the idle timeout below closes idle ones.
  auto clients_field = [&](const std::string& field) {
    hiredis_client look(*srv);
    return info_field(str(look.cmd({"INFO", "clients"})), field);
  };
  {
    hiredis_client setup(*srv);
    REQUIRE(str(setup.cmd({"SET", "k", "v"})) == "OK");
  }

  // No timeout: nothing comes back, not even for the commands behind it; others are served.
  auto blocked = testing::resp_connection::connect(srv->port());
  REQUIRE(blocked);
  REQUIRE(blocked->send_command({"WAIT", "1", "0"}));
  REQUIRE(blocked->send_command({"PING"}));
  CHECK_FALSE(blocked->read_reply(milliseconds(300)));
  CHECK(clients_field("blocked_clients") == "1");
  CHECK(clients_field("clients_in_timeout_table") == "0");
  {
    hiredis_client look(*srv);
    CHECK(str(look.cmd({"CLIENT", "LIST"})).find(" flags=b ") != std::string::npos);
  }

  // The idle timeout closes an idle client and passes the blocked one over, as in Redis.
  auto idle = testing::resp_connection::connect(srv->port());
  REQUIRE(idle);
  {
    hiredis_client admin(*srv);
    REQUIRE(str(admin.cmd({"CONFIG", "SET", "timeout", "1"})) == "OK");
  }
  CHECK_FALSE(idle->read_reply(milliseconds(4000)));
  CHECK(idle->peer_closed());
  {
    hiredis_client admin(*srv);
    REQUIRE(str(admin.cmd({"CONFIG", "SET", "timeout", "0"})) == "OK");
  }
  CHECK(clients_field("blocked_clients") == "1");
  CHECK(blocked->pending().empty());

  // A blocked client that leaves is forgotten.
  blocked.reset();
  std::string left = clients_field("blocked_clients");
  for (int i = 0; i < 40 && left != "0"; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    left = clients_field("blocked_clients");
  }
  CHECK(left == "0");

  // A timeout: 0 replicas once it passes, then the commands behind it run.
  auto timed = testing::resp_connection::connect(srv->port());
  REQUIRE(timed);
  const auto sent = std::chrono::steady_clock::now();
  REQUIRE(timed->send_command({"WAIT", "2", "200"}));
  REQUIRE(timed->send_command({"GET", "k"}));
  CHECK(timed->read_reply() == std::optional<std::string>(":0\r\n"));
  CHECK(std::chrono::steady_clock::now() - sent >= milliseconds(190));
  CHECK(timed->read_reply() == std::optional<std::string>("$1\r\nv\r\n"));
  CHECK(clients_field("blocked_clients") == "0");
}

TEST_CASE("client-output-buffer-limit 0 is no limit", "[commands]") {
  auto srv = started({.output_buffer_limit = 0});
  hiredis_client c(*srv);
  REQUIRE(c.ok());
  const std::string big(1 << 20, 'x');
  REQUIRE(str(c.cmd({"SET", "big", big})) == "OK");
  // Twenty replies of 1 MB asked for at once, read only after all were sent.
  for (int i = 0; i < 20; ++i) {
    c.append({"GET", "big"});
  }
  for (int i = 0; i < 20; ++i) {
    auto r = c.next_reply();
    REQUIRE(r);
    CHECK(r->len == big.size());
  }
  CHECK(str(c.cmd({"PING"})) == "PONG");
}

TEST_CASE("WATCH past max-transaction-connections is refused until one is released", "[commands]") {
  if (!subject_is_proxy()) {
    return;
  }
  auto srv = started({});
  hiredis_client admin(*srv);
  REQUIRE(admin.ok());
  REQUIRE(str(admin.cmd({"CONFIG", "SET", "max-transaction-connections", "2"})) == "OK");
  hiredis_client a(*srv), b(*srv), c(*srv);
  CHECK(str(a.cmd({"WATCH", "k"})) == "OK");
  CHECK(str(a.cmd({"WATCH", "{k}2"})) == "OK");  // already holding one: not another
  CHECK(str(b.cmd({"WATCH", "k"})) == "OK");
  const std::string refused =
      "ERR max number of clients with WATCHed keys reached (max-transaction-connections)";
  CHECK(is_error(c.cmd({"WATCH", "k"}), refused));
  CHECK(str(a.cmd({"UNWATCH"})) == "OK");
  CHECK(str(c.cmd({"WATCH", "k"})) == "OK");
  // EXEC, DISCARD, RESET and a closed connection release theirs too.
  CHECK(str(b.cmd({"MULTI"})) == "OK");
  auto exec = b.cmd({"EXEC"});
  CHECK((exec && exec->type == REDIS_REPLY_ARRAY));
  CHECK(str(a.cmd({"WATCH", "k"})) == "OK");
  CHECK(is_error(b.cmd({"WATCH", "k"}), refused));
  CHECK(str(a.cmd({"RESET"})) == "RESET");
  CHECK(str(b.cmd({"WATCH", "k"})) == "OK");
  {
    hiredis_client gone(*srv);
    CHECK(is_error(gone.cmd({"WATCH", "k"}), refused));
  }
  c = hiredis_client(*srv);  // closes the one that watched
  bool released = false;
  for (int attempt = 0; attempt < 50 && !released; ++attempt) {
    hiredis_client d(*srv);
    auto reply = d.cmd({"WATCH", "k"});
    released = str(reply) == "OK";
    if (!released) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  CHECK(released);
  CHECK(strings(admin.cmd({"CONFIG", "GET", "max-transaction-connections"})) ==
        std::vector<std::string>{"max-transaction-connections", "2"});
}

}  // namespace atomkv::proxy_tests

namespace atomkv::proxy_tests {

// On memory:// the data is in the proxy, so maxmemory bounds it: one client writing 1 MB values
// is stopped near the limit, reads and deletes still work, and once the deleted keys' memory is
// back with the system (about once a second) writes are admitted again.
TEST_CASE("maxmemory on memory:// stops one client's writes near the limit", "[commands]") {
  if (!subject_is_proxy() || subject_backend() != "memory://") {
    return;  // the data lives in the backend: the proxy's own memory stays small
  }
  auto srv = started({});
  hiredis_client c(*srv);
  REQUIRE(c.ok());
  const std::uint64_t base = std::stoull(info_field(str(c.cmd({"INFO", "memory"})), "used_memory"));
  const std::uint64_t limit = base + (std::uint64_t{32} << 20);
  REQUIRE(str(c.cmd({"CONFIG", "SET", "maxmemory", std::to_string(limit)})) == "OK");

  const std::string value(std::size_t{1} << 20, 'v');
  const std::string oom = "OOM command not allowed when used memory > 'maxmemory'.";
  int accepted = 0;
  bool refused = false;
  for (int i = 0; i < 256 && !refused; ++i) {
    auto reply = c.cmd({"SET", "k" + std::to_string(i), value});
    if (is_error(reply, oom)) {
      refused = true;
    } else {
      REQUIRE(str(reply) == "OK");
      ++accepted;
    }
  }
  INFO("values of 1 MB accepted under a limit 32 MB above the start: " << accepted);
  CHECK(refused);
  CHECK(accepted <= 40);
  if (!testing::kResidentMemoryFollowsFrees) {
    return;  // AddressSanitizer's quarantine keeps freed buffers resident, so no bound below
  }
  CHECK(accepted >= 8);
  auto resident = srv->resident_bytes();
  REQUIRE(resident);
  CHECK(*resident <= limit + (std::uint64_t{8} << 20));

  CHECK(str(c.cmd({"GET", "k0"})).size() == value.size());
  for (int i = 0; i < accepted; ++i) {
    REQUIRE(c.cmd({"DEL", "k" + std::to_string(i)})->integer == 1);
  }
  bool admitted = false;
  for (int attempt = 0; attempt < 100 && !admitted; ++attempt) {
    admitted = str(c.cmd({"SET", "again", "x"})) == "OK";
    if (!admitted) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  CHECK(admitted);
  CHECK(str(c.cmd({"CONFIG", "SET", "maxmemory", "0"})) == "OK");
}

}  // namespace atomkv::proxy_tests
