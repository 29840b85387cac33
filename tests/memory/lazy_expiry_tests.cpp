// Lazy expiry on a keyspace with no store around it, so no expiry thread: a key past its deadline
// is missing for every operation, and the operation that touches it reclaims it and counts it.

#include <string>
#include <vector>

#include "support.hpp"

using atomkv::expiry;
using atomkv::op_result;
using atomkv::operation;
using atomkv::unix_time_ms;
using namespace atomkv::memory::testing;

namespace {

using cond = operation::condition;

// Keys "k0".."k{n-1}" with the value "7", all expiring at one deadline that has then passed.
std::vector<std::string> expired_keys(atomkv::backend::bucket& space, int n) {
  const std::int64_t deadline = unix_time_ms() + 30;
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) {
    keys.push_back("k" + std::to_string(i));
    REQUIRE(one(space, operation::set(keys.back(), "7", cond::always, false, expiry::at(deadline)))
                .what == op_result::kind::ok);
  }
  sleep_past(deadline);
  return keys;
}

}  // namespace

TEST_CASE("a key past its deadline is missing for every operation, and reclaimed when touched",
          "[lazy]") {
  auto space = lone_keyspace();
  auto keys = expired_keys(*space, 16);
  const std::string_view pair[] = {keys[10], "m"};
  struct step {
    operation op;
    op_result expected;
  };
  const std::vector<step> steps = {
      {operation::get(keys[0]), op_result::nil()},
      {operation::exists(keys[1]), op_result::of_integer(0)},
      {operation::type(keys[2]), op_result::of_value("none")},
      {operation::length(keys[3]), op_result::of_integer(0)},
      {operation::set(keys[4], "n", cond::if_missing), op_result::ok()},
      {operation::set(keys[5], "x", cond::if_present), op_result::nil()},
      {operation::set(keys[6], "g", cond::always, true), op_result::nil()},
      {operation::remove(keys[7]), op_result::of_integer(0)},
      {operation::take(keys[8]), op_result::nil()},
      {operation::increment(keys[9], 5), op_result::of_integer(5)},
      {operation::set_if_none_exist(pair), op_result::of_integer(1)},
      {operation::time_left(keys[11]), op_result::of_integer(-2)},
      {operation::deadline_of(keys[12]), op_result::of_integer(-2)},
      {operation::expire(keys[13], expiry::after(60000)), op_result::of_integer(0)},
      {operation::persist(keys[14]), op_result::of_integer(0)},
      {operation::get_and_expire(keys[15], expiry::never()), op_result::nil()},
  };
  std::int64_t expired = 0;
  for (const auto& s : steps) {
    INFO("key " << s.op.key);
    CHECK(one(*space, s.op) == s.expected);
    ++expired;
    // expired_total reclaims every due key first: touch it only at the end.
  }
  CHECK(integer(*space, operation::expired_total()) == expired);
  // Only what the steps created is left, and none of it has a deadline.
  auto listed = one(*space, operation::list("*"));
  std::sort(listed.keys.begin(), listed.keys.end());
  CHECK(listed.keys == std::vector<std::string>{keys[10], keys[4], keys[6], keys[9]});
  CHECK(integer(*space, operation::count()) == 4);
  CHECK(integer(*space, operation::count_expiring()) == 0);
  CHECK(integer(*space, operation::time_left(keys[9])) == -1);
}

TEST_CASE("the fast paths treat a key past its deadline as missing", "[lazy]") {
  auto space = lone_keyspace();
  auto keys = expired_keys(*space, 5);
  CHECK(space->get(keys[0]).value() == std::nullopt);
  CHECK_FALSE(space->exists(keys[1]).value());
  CHECK_FALSE(space->remove(keys[2]).value());
  CHECK(space->increment(keys[3], 2).value() == 2);
  REQUIRE(space->set(keys[4], "new"));
  CHECK(integer(*space, operation::time_left(keys[4])) == -1);
  CHECK(integer(*space, operation::expired_total()) == 5);
  CHECK(integer(*space, operation::count()) == 2);
}

TEST_CASE("listing, counting and the expiry counts leave out keys past their deadline", "[lazy]") {
  auto space = lone_keyspace();
  expired_keys(*space, 50);
  REQUIRE(one(*space, operation::set("stays", "1")).what == op_result::kind::ok);
  REQUIRE(
      one(*space, operation::set("later", "1", cond::always, false, expiry::after(600000))).what ==
      op_result::kind::ok);
  atomkv::backend::list_options options;
  options.count_hint = 1000;
  auto page = space->list_keys(std::nullopt, options);
  REQUIRE(page);
  std::sort(page.value().keys.begin(), page.value().keys.end());
  CHECK(page.value().keys == std::vector<std::string>{"later", "stays"});
  CHECK(integer(*space, operation::count()) == 2);
  CHECK(integer(*space, operation::count_expiring()) == 1);
  const std::int64_t avg = integer(*space, operation::average_ttl());
  CHECK(avg > 590000);
  CHECK(avg <= 600000);
  CHECK(integer(*space, operation::expired_total()) == 50);
}

TEST_CASE("set replaces the deadline, keep keeps it, increment keeps it", "[lazy]") {
  auto space = lone_keyspace();
  const std::int64_t at = unix_time_ms() + 600000;
  REQUIRE(one(*space, operation::set("n", "1", cond::always, false, expiry::at(at))).what ==
          op_result::kind::ok);
  CHECK(integer(*space, operation::deadline_of("n")) == at);
  CHECK(integer(*space, operation::increment("n", 1)) == 2);
  CHECK(space->increment("n", 1).value() == 3);
  CHECK(integer(*space, operation::deadline_of("n")) == at);
  REQUIRE(one(*space, operation::set("n", "9", cond::always, false, expiry::keep())).what ==
          op_result::kind::ok);
  CHECK(integer(*space, operation::deadline_of("n")) == at);
  REQUIRE(one(*space, operation::set("n", "9")).what == op_result::kind::ok);
  CHECK(integer(*space, operation::deadline_of("n")) == -1);
  REQUIRE(one(*space, operation::set("n", "9", cond::always, false, expiry::at(at))).what ==
          op_result::kind::ok);
  REQUIRE(space->set("n", "fast"));
  CHECK(integer(*space, operation::deadline_of("n")) == -1);
  // A condition that does not hold changes nothing, the deadline included.
  REQUIRE(one(*space, operation::set("n", "9", cond::if_missing, false, expiry::at(at))).what ==
          op_result::kind::nil);
  CHECK(integer(*space, operation::deadline_of("n")) == -1);
  CHECK(integer(*space, operation::count_expiring()) == 0);
}

TEST_CASE("a deadline at or before now deletes: set counts it as expired, expire and GETEX do not",
          "[lazy]") {
  auto space = lone_keyspace();
  const std::int64_t past = unix_time_ms() - 1;
  CHECK(one(*space, operation::set("s", "v", cond::always, true, expiry::at(past))) ==
        op_result::nil());
  CHECK(integer(*space, operation::exists("s")) == 0);
  REQUIRE(one(*space, operation::set("e", "v")).what == op_result::kind::ok);
  CHECK(integer(*space, operation::expire("e", expiry::at(past))) == 1);
  CHECK(integer(*space, operation::exists("e")) == 0);
  REQUIRE(one(*space, operation::set("g", "v")).what == op_result::kind::ok);
  CHECK(one(*space, operation::get_and_expire("g", expiry::at(past))) == op_result::of_value("v"));
  CHECK(integer(*space, operation::exists("g")) == 0);
  CHECK(integer(*space, operation::count()) == 0);
  CHECK(integer(*space, operation::expired_total()) == 1);
}

// expireGenericCommand: NX only without a deadline, XX only with one, GT needs a later one (and
// fails on a key without a deadline), LT an earlier one (and holds on a key without one).
TEST_CASE("expire's NX, XX, GT and LT hold as Redis 7.0 checks them", "[lazy]") {
  auto space = lone_keyspace();
  const std::int64_t base = unix_time_ms() + 600000;
  auto fresh = [&](std::optional<std::int64_t> deadline) {
    REQUIRE(one(*space, operation::set("k", "v", cond::always, false,
                                       deadline ? expiry::at(*deadline) : expiry::never()))
                .what == op_result::kind::ok);
  };
  struct row {
    std::optional<std::int64_t> current;
    std::int64_t when;
    std::uint8_t flags;
    std::int64_t answer;
    std::int64_t deadline_after;
  };
  using namespace atomkv;
  const std::vector<row> rows = {
      {std::nullopt, base, expire_if_none, 1, base},
      {base, base + 1, expire_if_none, 0, base},
      {std::nullopt, base, expire_if_some, 0, -1},
      {base, base + 1, expire_if_some, 1, base + 1},
      {std::nullopt, base, expire_if_later, 0, -1},
      {base, base, expire_if_later, 0, base},
      {base, base + 1, expire_if_later, 1, base + 1},
      {std::nullopt, base, expire_if_earlier, 1, base},
      {base, base, expire_if_earlier, 0, base},
      {base, base - 1, expire_if_earlier, 1, base - 1},
      {std::nullopt, base, expire_if_some | expire_if_later, 0, -1},
      {base, base + 5, expire_if_some | expire_if_later, 1, base + 5},
      {std::nullopt, base, expire_if_some | expire_if_earlier, 0, -1},
      {base, base - 5, expire_if_some | expire_if_earlier, 1, base - 5},
      {base, base + 5, 0, 1, base + 5},
  };
  for (const auto& r : rows) {
    INFO("current " << r.current.value_or(-1) - base << " when " << r.when - base << " flags "
                    << int(r.flags));
    fresh(r.current);
    CHECK(integer(*space, operation::expire("k", expiry::at(r.when), r.flags)) == r.answer);
    CHECK(integer(*space, operation::deadline_of("k")) == r.deadline_after);
  }
  // LT on a key without a deadline holds even for a time in the past: the key goes.
  fresh(std::nullopt);
  CHECK(integer(*space, operation::expire("k", expiry::at(1), expire_if_earlier)) == 1);
  CHECK(integer(*space, operation::exists("k")) == 0);
  CHECK(integer(*space, operation::expire("k", expiry::after(1000))) == 0);
}

TEST_CASE("persist, time left and GETEX", "[lazy]") {
  auto space = lone_keyspace();
  REQUIRE(one(*space, operation::set("k", "v", cond::always, false, expiry::after(600000))).what ==
          op_result::kind::ok);
  const std::int64_t left = integer(*space, operation::time_left("k"));
  CHECK(left > 590000);
  CHECK(left <= 600000);
  CHECK(integer(*space, operation::persist("k")) == 1);
  CHECK(integer(*space, operation::persist("k")) == 0);
  CHECK(integer(*space, operation::time_left("k")) == -1);
  CHECK(one(*space, operation::get_and_expire("k", expiry::after(600000))) ==
        op_result::of_value("v"));
  CHECK(integer(*space, operation::count_expiring()) == 1);
  CHECK(one(*space, operation::get_and_expire("k", expiry::keep())) == op_result::of_value("v"));
  CHECK(integer(*space, operation::count_expiring()) == 1);
  CHECK(one(*space, operation::get_and_expire("k", expiry::never())) == op_result::of_value("v"));
  CHECK(integer(*space, operation::count_expiring()) == 0);
  CHECK(integer(*space, operation::time_left("k")) == -1);
  CHECK(one(*space, operation::get_and_expire("nothing", expiry::after(5))) == op_result::nil());
}

TEST_CASE("clear empties the expiry index with the keys", "[lazy]") {
  auto space = lone_keyspace();
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(one(*space, operation::set("k" + std::to_string(i), "v", cond::always, false,
                                       expiry::after(600000)))
                .what == op_result::kind::ok);
  }
  CHECK(integer(*space, operation::count_expiring()) == 1000);
  CHECK(one(*space, operation::clear()) == op_result::ok());
  CHECK(integer(*space, operation::count_expiring()) == 0);
  CHECK(integer(*space, operation::average_ttl()) == 0);
  CHECK(integer(*space, operation::expired_total()) == 0);
}

TEST_CASE("a count after a wave of expiries reclaims a bounded share and counts the rest as gone",
          "[lazy]") {
  constexpr int kKeys = 120'000;  // about 1,900 per stripe, many times the per-call share
  std::shared_ptr<atomkv::memory::keyspace> space;
  std::int64_t deadline = 0;
  // The whole wave is written before its deadline: a key written after it would be gone at once
  // and counted as expired. A slow build (ThreadSanitizer) gets a longer window.
  for (std::int64_t window = 1'500;; window *= 4) {
    REQUIRE(window <= 96'000);
    space = lone_keyspace();
    deadline = unix_time_ms() + window;
    for (int i = 0; i < kKeys; ++i) {
      REQUIRE(one(*space, operation::set("w" + std::to_string(i), "v", cond::always, false,
                                         expiry::at(deadline)))
                  .what == op_result::kind::ok);
    }
    if (unix_time_ms() < deadline) {
      break;
    }
  }
  REQUIRE(
      one(*space, operation::set("stays", "v", cond::always, false, expiry::after(600000))).what ==
      op_result::kind::ok);
  sleep_past(deadline);
  CHECK(integer(*space, operation::count()) == 1);
  CHECK(integer(*space, operation::count_expiring()) == 1);
  const std::int64_t avg = integer(*space, operation::average_ttl());
  CHECK(avg > 500000);
  CHECK(avg <= 600000);
  // Three counts reclaimed at most 3 x 256 keys per stripe: some are still in the tables.
  const std::int64_t reclaimed = integer(*space, operation::expired_total());
  CHECK(reclaimed <= 4 * 256 * static_cast<std::int64_t>(atomkv::memory::keyspace::stripe_count));
  CHECK(reclaimed < kKeys);
  // A listing skips what is due and not yet reclaimed.
  auto listed = one(*space, operation::list("*"));
  CHECK(listed.keys == std::vector<std::string>{"stays"});
  auto page = one(*space, operation::list("*", "", 100000));
  CHECK(page.keys == std::vector<std::string>{"stays"});
  // Every later touch still finds each key gone, and the counts never go below the truth.
  for (int i = 0; i < kKeys; i += 997) {
    CHECK(one(*space, operation::get("w" + std::to_string(i))) == op_result::nil());
  }
  CHECK(integer(*space, operation::count()) == 1);
}
