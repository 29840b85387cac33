// The string edits of the backend contract (APPEND, GETRANGE, SETRANGE, INCRBYFLOAT, SETBIT,
// GETBIT, BITCOUNT, BITPOS, BITFIELD) with Redis 7.0's results and errors on every backend: each
// one read-modify-write of one key, atomic, keeping the key's deadline, and a write for WATCH
// exactly when Redis signals the key modified.

#include <catch2/catch.hpp>
#include <thread>

#include "atomkv/bit_edits.hpp"
#include "conformance/fixture.hpp"

using atomkv::bitfield_step;
using atomkv::expiry;
using atomkv::op_result;
using atomkv::operation;
using atomkv::conformance::fixture;
using atomkv::conformance::one_slot_fixture;

namespace {

op_result run(const atomkv::bucket& bucket, const operation& op) {
  std::vector<operation> ops{op};
  auto applied = bucket.backend().apply(ops);
  REQUIRE(applied);
  REQUIRE(applied.value().size() == 1);
  return applied.value()[0];
}

op_result integer(std::int64_t i) {
  return op_result::of_integer(i);
}
op_result value(std::string v) {
  return op_result::of_value(std::move(v));
}
op_result error(std::string line) {
  return op_result::failed(std::move(line));
}

std::vector<bitfield_step> steps_of(std::vector<std::string_view> arguments,
                                    bool read_only = false) {
  auto parsed = atomkv::bit_edits::parse_bitfield(arguments, read_only);
  REQUIRE(parsed.ok());
  return parsed.value;
}

op_result integers(std::vector<std::optional<std::int64_t>> list) {
  return op_result::of_integers(std::move(list));
}

// Whether a commit watching `key` fails after another client ran `op` on it.
bool breaks_watch(const fixture& f, std::string_view key, const operation& op) {
  auto txn = f.bucket.backend().begin();
  REQUIRE(txn);
  std::vector<std::string_view> keys{key};
  REQUIRE(txn.value()->watch(keys, false));
  run(f.other_client(), op);
  std::vector<operation> ops{operation::set("after", "x")};
  auto committed = txn.value()->commit(ops);
  REQUIRE(committed);
  return !committed.value().has_value();
}

template <class Body>
void run_threads(int threads, Body body) {
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back(body, t);
  }
  for (auto& w : workers) {
    w.join();
  }
}

constexpr std::string_view kTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

}  // namespace

TEST_CASE_METHOD(fixture, "append creates, appends and answers the length", "[string-edit]") {
  CHECK(run(bucket, operation::append("k", "hello")) == integer(5));
  CHECK(run(bucket, operation::append("k", " world")) == integer(11));
  CHECK(bucket.get("k").value() == "hello world");
  CHECK(run(bucket, operation::append("empty", "")) == integer(0));
  CHECK(bucket.exists("empty").value());  // Redis creates it, empty
  CHECK(run(bucket, operation::append("k", std::string_view("\0x", 2))) == integer(13));
  CHECK(bucket.get("k").value() == std::string("hello world\0x", 13));
}

TEST_CASE_METHOD(fixture, "getrange follows Redis's index rules", "[string-edit]") {
  REQUIRE(bucket.set("k", "Hello World"));
  CHECK(run(bucket, operation::get_range("k", 0, 4)) == value("Hello"));
  CHECK(run(bucket, operation::get_range("k", -5, -1)) == value("World"));
  CHECK(run(bucket, operation::get_range("k", 0, -1)) == value("Hello World"));
  CHECK(run(bucket, operation::get_range("k", 5, 3)) == value(""));
  CHECK(run(bucket, operation::get_range("k", -1, -5)) == value(""));
  CHECK(run(bucket, operation::get_range("k", -100, 100)) == value("Hello World"));
  CHECK(run(bucket, operation::get_range("k", 20, 30)) == value(""));
  CHECK(run(bucket, operation::get_range("missing", 0, -1)) == value(""));
  CHECK_FALSE(bucket.exists("missing").value());
  REQUIRE(bucket.set("e", ""));
  CHECK(run(bucket, operation::get_range("e", 0, -1)) == value(""));
}

TEST_CASE_METHOD(fixture, "setrange pads with zero bytes and checks the 512 MB limit",
                 "[string-edit]") {
  CHECK(run(bucket, operation::set_range("k", 3, "ab")) == integer(5));
  CHECK(bucket.get("k").value() == std::string("\0\0\0ab", 5));
  CHECK(run(bucket, operation::set_range("k", 0, "xyzw")) == integer(5));
  CHECK(bucket.get("k").value() == "xyzwb");
  // Nothing to write: a missing key stays missing, an existing one answers its length.
  CHECK(run(bucket, operation::set_range("none", 10, "")) == integer(0));
  CHECK_FALSE(bucket.exists("none").value());
  CHECK(run(bucket, operation::set_range("k", 536870912, "")) == integer(5));
  // The limit, without allocating it.
  CHECK(run(bucket, operation::set_range("k", 536870911, "ab")) == error(std::string(kTooLong)));
  CHECK(run(bucket, operation::set_range("big", 536870912, "a")) == error(std::string(kTooLong)));
  CHECK_FALSE(bucket.exists("big").value());
  CHECK(bucket.get("k").value() == "xyzwb");
}

TEST_CASE_METHOD(fixture, "incrbyfloat parses and formats floats as Redis", "[string-edit]") {
  CHECK(run(bucket, operation::increment_float("f", "10.50")) == value("10.5"));
  CHECK(run(bucket, operation::increment_float("f", "0.1")) == value("10.6"));
  CHECK(run(bucket, operation::increment_float("f", "-5.0e3")) == value("-4989.39999999999999991"));
  CHECK(run(bucket, operation::increment_float("g", "1e5")) == value("100000"));
  CHECK(run(bucket, operation::increment_float("g", "0x10")) == value("100016"));
  CHECK(run(bucket, operation::increment_float("h", "3.0e3")) == value("3000"));
  REQUIRE(bucket.set("p", "1.1"));
  CHECK(run(bucket, operation::increment_float("p", "2.2")) == value("3.3"));
  REQUIRE(bucket.set("i", "5"));
  CHECK(run(bucket, operation::increment_float("i", "-5")) == value("0"));
  const auto not_float = error("ERR value is not a valid float");
  CHECK(run(bucket, operation::increment_float("j", " 1")) == not_float);
  CHECK(run(bucket, operation::increment_float("j", "1 ")) == not_float);
  CHECK(run(bucket, operation::increment_float("j", "nan")) == not_float);
  CHECK(run(bucket, operation::increment_float("j", "")) == not_float);
  CHECK_FALSE(bucket.exists("j").value());
  CHECK(run(bucket, operation::increment_float("j", "inf")) ==
        error("ERR increment would produce NaN or Infinity"));
  REQUIRE(bucket.set("s", "abc"));
  CHECK(run(bucket, operation::increment_float("s", "1")) == not_float);
  CHECK(bucket.get("s").value() == "abc");
}

TEST_CASE_METHOD(fixture, "setbit and getbit address bits from the most significant",
                 "[string-edit]") {
  CHECK(run(bucket, operation::set_bit("b", 7, 1)) == integer(0));
  CHECK(bucket.get("b").value() == "\x01");
  CHECK(run(bucket, operation::set_bit("b", 7, 0)) == integer(1));
  CHECK(run(bucket, operation::set_bit("b", 17, 1)) == integer(0));
  CHECK(bucket.get("b").value() == std::string("\0\0\x40", 3));
  CHECK(run(bucket, operation::get_bit("b", 17)) == integer(1));
  CHECK(run(bucket, operation::get_bit("b", 16)) == integer(0));
  CHECK(run(bucket, operation::get_bit("b", 1000)) == integer(0));
  CHECK(run(bucket, operation::get_bit("missing", 3)) == integer(0));
  CHECK_FALSE(bucket.exists("missing").value());
}

TEST_CASE_METHOD(fixture, "bitcount and bitpos count and search in bytes or bits",
                 "[string-edit]") {
  REQUIRE(bucket.set("k", "foobar"));
  using ranges = std::vector<std::string_view>;
  const ranges whole, bytes{"1", "1"}, bits{"5", "30", "BIT"}, backwards{"-1", "-5", "nope"};
  CHECK(run(bucket, operation::bit_count("k", whole)) == integer(26));
  CHECK(run(bucket, operation::bit_count("k", bytes)) == integer(6));
  CHECK(run(bucket, operation::bit_count("k", bits)) == integer(17));
  CHECK(run(bucket, operation::bit_count("k", backwards)) == integer(0));
  const ranges bad_unit{"0", "1", "bits"}, one{"1"}, not_number{"x", "1"};
  CHECK(run(bucket, operation::bit_count("k", bad_unit)) == error("ERR syntax error"));
  CHECK(run(bucket, operation::bit_count("k", one)) == error("ERR syntax error"));
  CHECK(run(bucket, operation::bit_count("k", not_number)) ==
        error("ERR value is not an integer or out of range"));
  // A missing key answers before its arguments are read.
  CHECK(run(bucket, operation::bit_count("missing", bad_unit)) == integer(0));

  REQUIRE(bucket.set("p", std::string("\xff\xf0\x00", 3)));
  CHECK(run(bucket, operation::bit_position("p", 0)) == integer(12));
  CHECK(run(bucket, operation::bit_position("p", 1, ranges{"1"})) == integer(8));
  CHECK(run(bucket, operation::bit_position("p", 1, ranges{"2"})) == integer(-1));
  CHECK(run(bucket, operation::bit_position("p", 1, ranges{"7", "15", "BIT"})) == integer(7));
  REQUIRE(bucket.set("ones", "\xff"));
  CHECK(run(bucket, operation::bit_position("ones", 0)) == integer(8));
  CHECK(run(bucket, operation::bit_position("ones", 0, ranges{"0", "-1"})) == integer(-1));
  CHECK(run(bucket, operation::bit_position("missing", 1, ranges{"x"})) == integer(-1));
  CHECK(run(bucket, operation::bit_position("missing", 0)) == integer(0));
}

TEST_CASE_METHOD(fixture, "bitfield gets, sets and increments with WRAP, SAT and FAIL",
                 "[string-edit]") {
  auto steps = steps_of({"SET", "u8", "0", "200", "GET", "u8", "0", "GET", "i8", "0"});
  CHECK(run(bucket, operation::bitfield("f", steps)) == integers({0, 200, -56}));
  auto wrap = steps_of({"INCRBY", "u8", "0", "100"});
  CHECK(run(bucket, operation::bitfield("f", wrap)) == integers({44}));
  auto sat =
      steps_of({"OVERFLOW", "SAT", "INCRBY", "u8", "0", "1000", "INCRBY", "i8", "#1", "-200"});
  CHECK(run(bucket, operation::bitfield("f", sat)) == integers({255, -128}));
  auto fail = steps_of({"OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1", "INCRBY", "u8", "0", "-1"});
  CHECK(run(bucket, operation::bitfield("f", fail)) == integers({std::nullopt, 254}));
  CHECK(bucket.get("f").value() == "\xfe\x80");
  auto read = steps_of({"GET", "u4", "0", "GET", "i64", "100"}, true);
  CHECK(run(bucket, operation::bitfield("f", read, true)) == integers({15, 0}));
  CHECK(run(bucket, operation::bitfield("none", read, true)) == integers({0, 0}));
  CHECK_FALSE(bucket.exists("none").value());
}

TEST_CASE_METHOD(fixture, "the edits keep the key's deadline", "[string-edit]") {
  constexpr std::int64_t minute = 60'000;
  auto bits = steps_of({"INCRBY", "u8", "0", "1"});
  const std::vector<operation> edits{operation::append("k", "x"), operation::set_range("k", 1, "y"),
                                     operation::set_bit("k", 30, 1), operation::bitfield("k", bits),
                                     operation::increment_float("n", "1.5")};
  for (const auto& op : edits) {
    INFO("operation " << static_cast<int>(op.what));
    REQUIRE(bucket.set("k", "abc", expiry::after(minute)));
    REQUIRE(bucket.set("n", "1", expiry::after(minute)));
    REQUIRE(run(bucket, op).what != op_result::kind::error);
    auto left = bucket.time_to_live(op.key).value();
    REQUIRE(left.left.has_value());
    CHECK(left.left->count() > 0);
    CHECK(left.left->count() <= minute);
  }
}

TEST_CASE_METHOD(one_slot_fixture,
                 "an edit is a write for WATCH exactly when Redis signals the key",
                 "[string-edit][transaction]") {
  REQUIRE(bucket.set("k", "abc"));
  CHECK(breaks_watch(*this, "k", operation::append("k", "")));
  CHECK(breaks_watch(*this, "k", operation::set_range("k", 0, "a")));  // the same bytes
  CHECK_FALSE(breaks_watch(*this, "k", operation::set_range("k", 0, "")));
  CHECK(breaks_watch(*this, "k", operation::increment_float("n", "1")) == false);
  CHECK(breaks_watch(*this, "n", operation::increment_float("n", "1")));
  CHECK_FALSE(breaks_watch(*this, "k", operation::set_bit("k", 1, 1)));  // 'a' is 01100001
  CHECK(breaks_watch(*this, "k", operation::set_bit("k", 1, 0)));
  CHECK(breaks_watch(*this, "k", operation::set_bit("k", 100, 0)));  // grows the value
  auto same = steps_of({"SET", "u8", "0", "33"});                    // 'a' with bit 1 cleared
  CHECK_FALSE(breaks_watch(*this, "k", operation::bitfield("k", same)));
  auto other = steps_of({"SET", "u8", "0", "97"});
  CHECK(breaks_watch(*this, "k", operation::bitfield("k", other)));
  auto get = steps_of({"GET", "u8", "0"});
  CHECK_FALSE(breaks_watch(*this, "k", operation::bitfield("k", get)));
  CHECK_FALSE(breaks_watch(*this, "k", operation::get_range("k", 0, -1)));
  CHECK_FALSE(breaks_watch(*this, "k", operation::bit_count("k")));
  CHECK_FALSE(breaks_watch(*this, "missing", operation::set_range("missing", 3, "")));
}

// Redis pads the value to the farthest bit a BITFIELD may write before it runs the steps, and
// signals the key only if a step wrote: the padding stays, unseen by WATCH.
TEST_CASE_METHOD(one_slot_fixture,
                 "a bitfield whose writes all fail still grows the value, unseen by WATCH",
                 "[string-edit][transaction]") {
  REQUIRE(bucket.set("k", "\x01"));
  auto failing = steps_of({"OVERFLOW", "FAIL", "INCRBY", "u8", "8", "300"});
  CHECK_FALSE(breaks_watch(*this, "k", operation::bitfield("k", failing)));
  CHECK(bucket.get("k").value() == std::string("\x01\x00", 2));
  auto succeeding = steps_of({"OVERFLOW", "FAIL", "INCRBY", "u8", "16", "3"});
  CHECK(breaks_watch(*this, "k", operation::bitfield("k", succeeding)));
  CHECK(bucket.get("k").value() == std::string("\x01\x00\x03", 3));
}

TEST_CASE_METHOD(fixture, "edits run inside a commit in order", "[string-edit][transaction]") {
  auto txn = bucket.backend().begin();
  REQUIRE(txn);
  std::vector<std::string_view> keys{"k"};
  REQUIRE(txn.value()->watch(keys, false));
  auto steps = steps_of({"INCRBY", "i16", "0", "-3"});
  std::vector<operation> ops{operation::append("k", "ab"), operation::set_range("k", 4, "c"),
                             operation::get_range("k", 0, -1), operation::bitfield("k", steps),
                             operation::increment_float("k", "1")};
  auto committed = txn.value()->commit(ops);
  REQUIRE(committed);
  REQUIRE(committed.value().has_value());
  const auto& results = *committed.value();
  CHECK(results[0] == integer(2));
  CHECK(results[1] == integer(5));
  CHECK(results[2] == value(std::string("ab\0\0c", 5)));
  CHECK(results[3] == integers({0x6162 - 3}));
  CHECK(results[4] == error("ERR value is not a valid float"));
}

TEST_CASE_METHOD(fixture, "8 threads append, add floats and bitfield-increment one key exactly",
                 "[string-edit][concurrency]") {
  constexpr int threads = 8;
  constexpr int per_thread = 500;
  std::atomic<int> failures{0};
  auto steps = steps_of({"INCRBY", "u32", "8", "3"});
  // Connected here: other_client() reports a failure with Catch, which workers must not call.
  std::vector<atomkv::bucket> clients;
  for (int t = 0; t < threads; ++t) {
    clients.push_back(other_client());
  }
  run_threads(threads, [&](int t) {
    auto& client = clients[t];
    const std::string piece(1, static_cast<char>('a' + t));
    for (int i = 0; i < per_thread; ++i) {
      std::vector<operation> ops{operation::append("log", piece),
                                 operation::increment_float("sum", "0.5")};
      for (const auto& op : ops) {
        if (atomkv::conformance::apply_unchecked(client, op).what == op_result::kind::error) {
          ++failures;
        }
      }
      if (atomkv::conformance::apply_unchecked(client, operation::bitfield("bits", steps)).what ==
          op_result::kind::error) {
        ++failures;
      }
    }
  });
  CHECK(failures == 0);
  const std::string log = bucket.get("log").value().value();
  CHECK(log.size() == threads * per_thread);
  for (int t = 0; t < threads; ++t) {
    CHECK(std::count(log.begin(), log.end(), static_cast<char>('a' + t)) == per_thread);
  }
  CHECK(bucket.get("sum").value() == std::to_string(threads * per_thread / 2));
  auto get = steps_of({"GET", "u32", "8"});
  CHECK(run(bucket, operation::bitfield("bits", get)) == integers({threads * per_thread * 3}));
}

TEST_CASE_METHOD(one_slot_fixture, "bitop combines zero-padded sources into a key with no deadline",
                 "[string-edit]") {
  REQUIRE(bucket.set("a", "\xf0\x0f"));
  REQUIRE(bucket.set("b", "\x3c"));
  REQUIRE(bucket.set("dest", "old", expiry::after(60'000)));
  using keys = std::vector<std::string_view>;
  const keys both{"a", "b"}, with_missing{"a", "missing"}, one{"b"}, none{"missing", "gone"};
  CHECK(run(bucket, operation::bit_operation("dest", atomkv::bitop::and_, both)) == integer(2));
  CHECK(bucket.get("dest").value() == std::string("\x30\x00", 2));
  CHECK_FALSE(bucket.time_to_live("dest").value().left.has_value());  // SET leaves none
  CHECK(run(bucket, operation::bit_operation("dest", atomkv::bitop::or_, both)) == integer(2));
  CHECK(bucket.get("dest").value() == "\xfc\x0f");
  CHECK(run(bucket, operation::bit_operation("dest", atomkv::bitop::xor_, with_missing)) ==
        integer(2));
  CHECK(bucket.get("dest").value() == "\xf0\x0f");
  CHECK(run(bucket, operation::bit_operation("b", atomkv::bitop::not_, one)) == integer(1));
  CHECK(bucket.get("b").value() == "\xc3");
  // Every source empty: the destination goes, and WATCH sees it go.
  CHECK(breaks_watch(*this, "dest", operation::bit_operation("dest", atomkv::bitop::and_, none)));
  CHECK_FALSE(bucket.exists("dest").value());
  CHECK_FALSE(
      breaks_watch(*this, "dest", operation::bit_operation("dest", atomkv::bitop::and_, none)));
  CHECK(breaks_watch(*this, "a", operation::bit_operation("a", atomkv::bitop::or_, both)));
}
