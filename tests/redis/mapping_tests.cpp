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
  auto call = apply_call::for_apply("b:", 0, std::span<const operation>(&op, 1));
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
  auto call = apply_call::for_commit("", 0, ops);
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
  auto conflict = apply_call::for_commit("", 0, std::span<const operation>(&op, 1));
  feed(conflict, "+OK\r\n+QUEUED\r\n*-1\r\n");
  auto nil = conflict.finish();
  REQUIRE(nil);
  CHECK_FALSE(nil.value());

  auto aborted = apply_call::for_commit("", 0, std::span<const operation>(&op, 1));
  feed(aborted,
       "+OK\r\n-ERR unknown command\r\n-EXECABORT Transaction discarded because of previous "
       "errors.\r\n");
  auto failed = aborted.finish();
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.starts_with("EXECABORT"));
}

TEST_CASE("gets become one MGET, plain sets one MSET, anything else MULTI/EXEC", "[mapping]") {
  const operation gets[] = {operation::get("a"), operation::get("b")};
  auto mget = apply_call::for_apply("p:", 0, gets);
  CHECK(mget.command().wire() == resp({"MGET", "p:a", "p:b"}));
  feed(mget, "*2\r\n$1\r\n1\r\n$-1\r\n");
  CHECK(*mget.finish().value() ==
        std::vector<op_result>{op_result::of_value("1"), op_result::nil()});

  const operation sets[] = {operation::set("a", "1"), operation::set("b", "2")};
  auto mset = apply_call::for_apply("", 0, sets);
  CHECK(mset.command().wire() == resp({"MSET", "a", "1", "b", "2"}));
  feed(mset, "+OK\r\n");
  CHECK(*mset.finish().value() == std::vector<op_result>{op_result::ok(), op_result::ok()});

  const operation removes[] = {operation::remove("a"), operation::remove("b")};
  auto dels = apply_call::for_apply("", 0, removes);
  CHECK(dels.command().wire() ==
        resp({"MULTI"}) + resp({"DEL", "a"}) + resp({"DEL", "b"}) + resp({"EXEC"}));
  feed(dels, "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n:0\r\n");
  CHECK(*dels.finish().value() ==
        std::vector<op_result>{op_result::of_integer(1), op_result::of_integer(0)});
}

TEST_CASE("clear and count: FLUSHDB/DBSIZE on the plain keyspace, a script on a bucket",
          "[mapping]") {
  const operation clear = operation::clear();
  auto plain = apply_call::for_apply("", 0, std::span<const operation>(&clear, 1));
  CHECK(plain.command().wire() == resp({"FLUSHDB"}));
  const operation count = operation::count();
  auto bucket = apply_call::for_apply("a*b:", 0, std::span<const operation>(&count, 1));
  CHECK(bucket.command().wire().starts_with("*4\r\n$4\r\nEVAL\r\n"));
  CHECK(bucket.command().wire().ends_with("$6\r\na\\*b:*\r\n"));
}

TEST_CASE("set_if_none_exist is one MSETNX with every key prefixed", "[mapping]") {
  const std::string_view pairs[] = {"a", "1", "b", "2"};
  const operation op = operation::set_if_none_exist(pairs);
  auto call = apply_call::for_apply("p:", 0, std::span<const operation>(&op, 1));
  CHECK(call.command().wire() == resp({"MSETNX", "p:a", "1", "p:b", "2"}));
  feed(call, ":0\r\n");
  CHECK(*call.finish().value() == std::vector<op_result>{op_result::of_integer(0)});
}

TEST_CASE("an error reply is an op_result with Redis's full line", "[mapping]") {
  const operation op = operation::increment("k", 1);
  auto call = apply_call::for_apply("", 0, std::span<const operation>(&op, 1));
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

namespace atomkv::redis_tests {

TEST_CASE("set's deadline is PX, PXAT or KEEPTTL; none is a plain SET", "[mapping][expiry]") {
  using c = operation::condition;
  const operation ops[] = {
      operation::set("k", "v", c::always, false, expiry::after(1500)),
      operation::set("k", "v", c::if_missing, true, expiry::at(1'900'000'000'000)),
      operation::set("k", "v", c::if_present, false, expiry::keep()),
      operation::set("k", "v", c::always, false, expiry::never()),
      // Redis refuses a time of 0 or less; a past PXAT removes the key as the contract asks.
      operation::set("k", "v", c::always, false, expiry::after(0)),
      operation::set("k", "v", c::always, false, expiry::at(-5)),
  };
  auto call = apply_call::for_commit("b:", 0, ops);
  REQUIRE(call.command().commands() == 8);
  CHECK(call.command().command(1) == resp({"SET", "b:k", "v", "PX", "1500"}));
  CHECK(call.command().command(2) ==
        resp({"SET", "b:k", "v", "PXAT", "1900000000000", "NX", "GET"}));
  CHECK(call.command().command(3) == resp({"SET", "b:k", "v", "KEEPTTL", "XX"}));
  CHECK(call.command().command(4) == resp({"SET", "b:k", "v"}));
  CHECK(call.command().command(5) == resp({"SET", "b:k", "v", "PXAT", "1"}));
  CHECK(call.command().command(6) == resp({"SET", "b:k", "v", "PXAT", "1"}));
}

TEST_CASE("sets with a deadline are never folded into MSET, which clears deadlines",
          "[mapping][expiry]") {
  const operation keep[] = {
      operation::set("a", "1"),
      operation::set("b", "2", operation::condition::always, false, expiry::keep())};
  auto call = apply_call::for_apply("", 0, keep);
  CHECK(call.command().wire() == resp({"MULTI"}) + resp({"SET", "a", "1"}) +
                                     resp({"SET", "b", "2", "KEEPTTL"}) + resp({"EXEC"}));
}

TEST_CASE("expire is PEXPIRE or PEXPIREAT with its NX/XX/GT/LT flags", "[mapping][expiry]") {
  const operation ops[] = {
      operation::expire("k", expiry::after(100)),
      operation::expire("k", expiry::at(1'900'000'000'000), expire_if_none),
      operation::expire("k", expiry::after(-1), expire_if_some | expire_if_later),
      operation::expire("k", expiry::after(7), expire_if_earlier),
      // Redis's own refusal of the combination is the operation's answer.
      operation::expire("k", expiry::after(7), expire_if_none | expire_if_later),
  };
  auto call = apply_call::for_commit("p:", 0, ops);
  REQUIRE(call.command().commands() == 7);
  CHECK(call.command().command(1) == resp({"PEXPIRE", "p:k", "100"}));
  CHECK(call.command().command(2) == resp({"PEXPIREAT", "p:k", "1900000000000", "NX"}));
  CHECK(call.command().command(3) == resp({"PEXPIRE", "p:k", "-1", "XX", "GT"}));
  CHECK(call.command().command(4) == resp({"PEXPIRE", "p:k", "7", "LT"}));
  CHECK(call.command().command(5) == resp({"PEXPIRE", "p:k", "7", "NX", "GT"}));
  feed(
      call,
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*5\r\n:1\r\n:0\r\n:1\r\n:0\r\n"
      "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n");
  auto done = call.finish();
  REQUIRE(done);
  REQUIRE(done.value());
  CHECK(*done.value() ==
        std::vector<op_result>{op_result::of_integer(1), op_result::of_integer(0),
                               op_result::of_integer(1), op_result::of_integer(0),
                               op_result::failed("ERR NX and XX, GT or LT options at the same "
                                                 "time are not compatible")});
}

TEST_CASE("persist, time_left, deadline and get_and_expire are PERSIST, PTTL, PEXPIRETIME, GETEX",
          "[mapping][expiry]") {
  struct mapped {
    operation op;
    std::string wire;
  };
  const mapped cases[] = {
      {operation::persist("k"), resp({"PERSIST", "b:k"})},
      {operation::time_left("k"), resp({"PTTL", "b:k"})},
      {operation::deadline_of("k"), resp({"PEXPIRETIME", "b:k"})},
      {operation::get_and_expire("k", expiry::keep()), resp({"GETEX", "b:k"})},
      {operation::get_and_expire("k", expiry::never()), resp({"GETEX", "b:k", "PERSIST"})},
      {operation::get_and_expire("k", expiry::after(250)), resp({"GETEX", "b:k", "PX", "250"})},
      {operation::get_and_expire("k", expiry::at(1'900'000'000'000)),
       resp({"GETEX", "b:k", "PXAT", "1900000000000"})},
      {operation::get_and_expire("k", expiry::after(-3)), resp({"GETEX", "b:k", "PXAT", "1"})},
  };
  for (const auto& one : cases) {
    auto call = apply_call::for_apply("b:", 0, std::span<const operation>(&one.op, 1));
    CHECK(call.command().wire() == one.wire);
  }
  const operation ttl = operation::time_left("k");
  auto call = apply_call::for_apply("", 0, std::span<const operation>(&ttl, 1));
  feed(call, ":-2\r\n");
  CHECK(*call.finish().value() == std::vector<op_result>{op_result::of_integer(-2)});
}

TEST_CASE("expiry counts come from INFO on the plain keyspace, from a script on a bucket",
          "[mapping][expiry]") {
  const std::string keyspace =
      "# Keyspace\r\ndb0:keys=9,expires=1,avg_ttl=5\r\ndb3:keys=4,expires=2,avg_ttl=1234\r\n";
  auto bulk = [](const std::string& text) {
    return "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n";
  };
  const operation ops[] = {operation::count_expiring(), operation::average_ttl(),
                           operation::expired_total()};
  auto plain = apply_call::for_commit("", 3, ops);
  CHECK(plain.command().wire() == resp({"MULTI"}) + resp({"INFO", "keyspace"}) +
                                      resp({"INFO", "keyspace"}) + resp({"INFO", "stats"}) +
                                      resp({"EXEC"}));
  feed(plain, "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n" + bulk(keyspace) + bulk(keyspace) +
                  bulk("# Stats\r\nexpired_stale_perc:0.00\r\nexpired_keys:17\r\n"
                       "evicted_keys:0\r\n"));
  auto done = plain.finish();
  REQUIRE(done);
  CHECK(*done.value() == std::vector<op_result>{op_result::of_integer(2),
                                                op_result::of_integer(1234),
                                                op_result::of_integer(17)});

  // A database with no keys has no line in INFO keyspace.
  const operation count = operation::count_expiring();
  auto empty = apply_call::for_apply("", 5, std::span<const operation>(&count, 1));
  feed(empty, bulk(keyspace));
  CHECK(*empty.finish().value() == std::vector<op_result>{op_result::of_integer(0)});

  auto bucket = apply_call::for_apply("a*b:", 0, std::span<const operation>(&count, 1));
  CHECK(bucket.command().wire().starts_with("*5\r\n$4\r\nEVAL\r\n"));
  CHECK(bucket.command().wire().ends_with("$6\r\na\\*b:*\r\n$5\r\ncount\r\n"));
  feed(bucket, ":3\r\n");
  CHECK(*bucket.finish().value() == std::vector<op_result>{op_result::of_integer(3)});
}

}  // namespace atomkv::redis_tests
