// OBJECT's operation on every backend: nil for a missing or expired key, and for a value written by
// SET what Redis 7.0 reports for it (object.c; on Redis, Redis's own answer).

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "conformance/fixture.hpp"

using atomkv::expiry;
using atomkv::object_field;
using atomkv::op_result;
using atomkv::operation;
using atomkv::conformance::fixture;

namespace {

constexpr std::int64_t kSharedRefcount = 2147483647;

op_result ask(const atomkv::bucket& bucket, std::string_view key, object_field field) {
  std::vector<operation> ops{operation::object(key, field)};
  auto applied = bucket.backend().apply(ops);
  REQUIRE(applied);
  REQUIRE(applied.value().size() == 1);
  return applied.value()[0];
}

op_result encoding_of(const atomkv::bucket& bucket, std::string_view value) {
  REQUIRE(bucket.set("k", value));
  return ask(bucket, "k", object_field::encoding);
}

std::int64_t refcount_of(const atomkv::bucket& bucket, std::string_view value) {
  REQUIRE(bucket.set("k", value));
  op_result answer = ask(bucket, "k", object_field::refcount);
  REQUIRE(answer.what == op_result::kind::integer);
  return answer.integer;
}

TEST_CASE_METHOD(fixture, "object answers nil for a missing or expired key", "[object]") {
  for (auto field : {object_field::encoding, object_field::refcount, object_field::idletime,
                     object_field::freq}) {
    CHECK(ask(bucket, "missing", field) == op_result::nil());
  }
  REQUIRE(bucket.set("short", "v", expiry::after(1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(ask(bucket, "short", object_field::encoding) == op_result::nil());
}

TEST_CASE_METHOD(fixture, "object encoding names a value as Redis encodes it when SET",
                 "[object]") {
  const auto as = [](const char* name) { return op_result::of_value(name); };
  CHECK(encoding_of(bucket, "123") == as("int"));
  CHECK(encoding_of(bucket, "-1") == as("int"));
  CHECK(encoding_of(bucket, "0") == as("int"));
  CHECK(encoding_of(bucket, "9223372036854775807") == as("int"));
  CHECK(encoding_of(bucket, "-9223372036854775808") == as("int"));
  // Not what string2l accepts: out of range, leading zeros, signs, spaces, fractions.
  CHECK(encoding_of(bucket, "9223372036854775808") == as("embstr"));
  CHECK(encoding_of(bucket, "007") == as("embstr"));
  CHECK(encoding_of(bucket, "-0") == as("embstr"));
  CHECK(encoding_of(bucket, "+1") == as("embstr"));
  CHECK(encoding_of(bucket, " 1") == as("embstr"));
  CHECK(encoding_of(bucket, "1.5") == as("embstr"));
  CHECK(encoding_of(bucket, "") == as("embstr"));
  CHECK(encoding_of(bucket, std::string(44, 'a')) == as("embstr"));
  CHECK(encoding_of(bucket, std::string(45, 'a')) == as("raw"));
  CHECK(encoding_of(bucket, std::string(100000, 'a')) == as("raw"));
}

TEST_CASE_METHOD(fixture, "object refcount shows Redis's shared integers 0 to 9999", "[object]") {
  CHECK(refcount_of(bucket, "0") == kSharedRefcount);
  CHECK(refcount_of(bucket, "9999") == kSharedRefcount);
  CHECK(refcount_of(bucket, "10000") == 1);
  CHECK(refcount_of(bucket, "-1") == 1);
  CHECK(refcount_of(bucket, "hello") == 1);
  // INCR's results are shared the same way.
  REQUIRE(bucket.set("n", "9998"));
  REQUIRE(atomkv::atomics::increment(bucket, "n", 1));
  CHECK(ask(bucket, "n", object_field::refcount) == op_result::of_integer(kSharedRefcount));
  REQUIRE(atomkv::atomics::increment(bucket, "n", 1));
  CHECK(ask(bucket, "n", object_field::refcount) == op_result::of_integer(1));
  CHECK(ask(bucket, "n", object_field::encoding) == op_result::of_value("int"));
}

TEST_CASE_METHOD(fixture, "object idletime and freq of a key just written", "[object]") {
  REQUIRE(bucket.set("k", "v"));
  op_result idle = ask(bucket, "k", object_field::idletime);
  REQUIRE(idle.what == op_result::kind::integer);
  CHECK(idle.integer >= 0);
  // Seconds: Redis's clock ticks once a second, and a loaded machine may stall the test between
  // the two calls.
  CHECK(idle.integer <= 10);
  // No LFU maxmemory policy (atomkv's own backends have none; Redis's default is noeviction).
  op_result freq = ask(bucket, "k", object_field::freq);
  REQUIRE(freq.what == op_result::kind::error);
  CHECK(freq.text.rfind("ERR An LFU maxmemory policy is not selected", 0) == 0);
}

}  // namespace
