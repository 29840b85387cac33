// The command mapping without a server: requests are checked byte for byte, and replies are
// parsed from RESP text by hiredis's own reader, as either the pool or an event loop would get
// them.

#include <hiredis/hiredis.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "redis/commands.hpp"

namespace atomkv::redis_tests {
namespace {

using redis::apply_call;

// Parses RESP text into replies and feeds them to `sink` one by one.
template <class Sink>
void feed(Sink& sink, const std::string& resp) {
  std::unique_ptr<redisReader, void (*)(redisReader*)> reader(redisReaderCreate(),
                                                              &redisReaderFree);
  REQUIRE(redisReaderFeed(reader.get(), resp.data(), resp.size()) == REDIS_OK);
  for (;;) {
    void* reply = nullptr;
    REQUIRE(redisReaderGetReply(reader.get(), &reply) == REDIS_OK);
    if (reply == nullptr) {
      break;
    }
    sink.on_reply(*static_cast<redisReply*>(reply));
    freeReplyObject(reply);
  }
}

std::string resp(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (auto a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n" + std::string(a) + "\r\n";
  }
  return out;
}

}  // namespace

TEST_CASE("one operation is one command with the bucket prefix", "[mapping]") {
  const operation op = operation::increment("k", -3);
  auto call = apply_call::for_apply("b:", std::span<const operation>(&op, 1));
  CHECK(call.command().wire() == resp({"INCRBY", "b:k", "-3"}));
  CHECK(call.command().commands() == 1);
  feed(call, ":-3\r\n");
  auto done = call.finish();
  REQUIRE(done);
  CHECK(*done.value() == std::vector<op_result>{op_result::of_integer(-3)});
}

TEST_CASE("set conditions become NX / XX and return_previous GET", "[mapping]") {
  const operation ops[] = {
      operation::set("k", "v", operation::condition::if_missing, true),
      operation::set("k", "v", operation::condition::if_present),
  };
  auto call = apply_call::for_commit("", ops);
  REQUIRE(call.command().commands() == 4);
  CHECK(call.command().command(0) == resp({"MULTI"}));
  CHECK(call.command().command(1) == resp({"SET", "k", "v", "NX", "GET"}));
  CHECK(call.command().command(2) == resp({"SET", "k", "v", "XX"}));
  CHECK(call.command().command(3) == resp({"EXEC"}));
  feed(call, "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n$3\r\nold\r\n$-1\r\n");
  auto done = call.finish();
  REQUIRE(done);
  REQUIRE(done.value());
  CHECK(*done.value() == std::vector<op_result>{op_result::of_value("old"), op_result::nil()});
}

TEST_CASE("a nil EXEC is a conflict; an EXECABORT is an error", "[mapping]") {
  const operation op = operation::set("k", "v");
  auto conflict = apply_call::for_commit("", std::span<const operation>(&op, 1));
  feed(conflict, "+OK\r\n+QUEUED\r\n*-1\r\n");
  auto nil = conflict.finish();
  REQUIRE(nil);
  CHECK_FALSE(nil.value());

  auto aborted = apply_call::for_commit("", std::span<const operation>(&op, 1));
  feed(aborted,
       "+OK\r\n-ERR unknown command\r\n-EXECABORT Transaction discarded because of previous "
       "errors.\r\n");
  auto failed = aborted.finish();
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.starts_with("EXECABORT"));
}

TEST_CASE("gets become one MGET, plain sets one MSET, anything else MULTI/EXEC", "[mapping]") {
  const operation gets[] = {operation::get("a"), operation::get("b")};
  auto mget = apply_call::for_apply("p:", gets);
  CHECK(mget.command().wire() == resp({"MGET", "p:a", "p:b"}));
  feed(mget, "*2\r\n$1\r\n1\r\n$-1\r\n");
  CHECK(*mget.finish().value() ==
        std::vector<op_result>{op_result::of_value("1"), op_result::nil()});

  const operation sets[] = {operation::set("a", "1"), operation::set("b", "2")};
  auto mset = apply_call::for_apply("", sets);
  CHECK(mset.command().wire() == resp({"MSET", "a", "1", "b", "2"}));
  feed(mset, "+OK\r\n");
  CHECK(*mset.finish().value() == std::vector<op_result>{op_result::ok(), op_result::ok()});

  const operation removes[] = {operation::remove("a"), operation::remove("b")};
  auto dels = apply_call::for_apply("", removes);
  CHECK(dels.command().wire() ==
        resp({"MULTI"}) + resp({"DEL", "a"}) + resp({"DEL", "b"}) + resp({"EXEC"}));
  feed(dels, "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n:0\r\n");
  CHECK(*dels.finish().value() ==
        std::vector<op_result>{op_result::of_integer(1), op_result::of_integer(0)});
}

TEST_CASE("clear and count: FLUSHDB/DBSIZE on the plain keyspace, a script on a bucket",
          "[mapping]") {
  const operation clear = operation::clear();
  auto plain = apply_call::for_apply("", std::span<const operation>(&clear, 1));
  CHECK(plain.command().wire() == resp({"FLUSHDB"}));
  const operation count = operation::count();
  auto bucket = apply_call::for_apply("a*b:", std::span<const operation>(&count, 1));
  CHECK(bucket.command().wire().starts_with("*4\r\n$4\r\nEVAL\r\n"));
  CHECK(bucket.command().wire().ends_with("$6\r\na\\*b:*\r\n"));
}

TEST_CASE("set_if_none_exist is one MSETNX with every key prefixed", "[mapping]") {
  const std::string_view pairs[] = {"a", "1", "b", "2"};
  const operation op = operation::set_if_none_exist(pairs);
  auto call = apply_call::for_apply("p:", std::span<const operation>(&op, 1));
  CHECK(call.command().wire() == resp({"MSETNX", "p:a", "1", "p:b", "2"}));
  feed(call, ":0\r\n");
  CHECK(*call.finish().value() == std::vector<op_result>{op_result::of_integer(0)});
}

TEST_CASE("an error reply is an op_result with Redis's full line", "[mapping]") {
  const operation op = operation::increment("k", 1);
  auto call = apply_call::for_apply("", std::span<const operation>(&op, 1));
  feed(call, "-ERR value is not an integer or out of range\r\n");
  auto done = call.finish();
  REQUIRE(done);
  CHECK(done.value()->front() == op_result::failed("ERR value is not an integer or out of range"));
}

TEST_CASE("watch is WATCH then GET or MGET, in one request", "[mapping]") {
  std::string_view one[] = {"k"};
  redis::watch_call single("b:", one, true);
  CHECK(single.command().wire() == resp({"WATCH", "b:k"}) + resp({"GET", "b:k"}));
  feed(single, "+OK\r\n$-1\r\n");
  auto values = single.finish();
  REQUIRE(values);
  CHECK(values.value() == std::vector<std::optional<std::string>>{std::nullopt});

  std::string_view two[] = {"x", "y"};
  redis::watch_call pair("", two, true);
  CHECK(pair.command().wire() == resp({"WATCH", "x", "y"}) + resp({"MGET", "x", "y"}));
  feed(pair, "+OK\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  CHECK(pair.finish().value() == std::vector<std::optional<std::string>>{"1", "2"});

  redis::watch_call blind("", two, false);
  CHECK(blind.command().commands() == 1);
}

TEST_CASE("SCAN matches the escaped prefix and strips it; cursor 0 ends the listing", "[mapping]") {
  backend::list_options options;
  options.count_hint = 50;
  redis::scan_call first("b?:", std::nullopt, options);
  CHECK(first.command().wire() == resp({"SCAN", "0", "MATCH", "b\\?:*", "COUNT", "50"}));
  feed(first, "*2\r\n$2\r\n17\r\n*2\r\n$4\r\nb?:1\r\n$4\r\nb?:2\r\n");
  auto page = first.finish();
  REQUIRE(page);
  CHECK(page.value().keys == std::vector<std::string>{"1", "2"});
  CHECK(page.value().cursor == "17");

  redis::scan_call last("", std::string_view("17"), options);
  CHECK(last.command().wire() == resp({"SCAN", "17", "COUNT", "50"}));
  feed(last, "*2\r\n$1\r\n0\r\n*0\r\n");
  auto end = last.finish();
  REQUIRE(end);
  CHECK_FALSE(end.value().cursor);
}

}  // namespace atomkv::redis_tests
