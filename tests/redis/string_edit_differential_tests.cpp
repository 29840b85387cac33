// The pure string and bit edits (atomkv/string_edits.hpp, bit_edits.hpp, value_edit.hpp) against
// a real redis-server: the same commands run on both, every reply compared byte for byte (RESP2)
// and the values afterwards too. A small model here plays the command's part: it parses the
// arguments with the shared parsers, as the proxy will, and runs edit_value on its own map.

#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "atomkv/bit_edits.hpp"
#include "atomkv/counter.hpp"
#include "atomkv/string_edits.hpp"
#include "atomkv/value_edit.hpp"
#include "helpers.hpp"
#include "support/resp_client.hpp"

using atomkv::op_result;
using atomkv::operation;
namespace bits = atomkv::bit_edits;

namespace {

using command = std::vector<std::string>;

std::string bulk(std::string_view text) {
  return "$" + std::to_string(text.size()) + "\r\n" + std::string(text) + "\r\n";
}

std::string encode(const op_result& r) {
  switch (r.what) {
    case op_result::kind::integer:
      return ":" + std::to_string(r.integer) + "\r\n";
    case op_result::kind::value:
      return bulk(r.text);
    case op_result::kind::error:
      return "-" + r.text + "\r\n";
    case op_result::kind::integers: {
      std::string out = "*" + std::to_string(r.integers.size()) + "\r\n";
      for (const auto& i : r.integers) {
        out += i ? ":" + std::to_string(*i) + "\r\n" : "$-1\r\n";
      }
      return out;
    }
    case op_result::kind::nil:
      return "$-1\r\n";
    default:
      return "+OK\r\n";
  }
}

std::string failed(std::string_view line) {
  return "-" + std::string(line) + "\r\n";
}

// The model: keys to values, and each command as the proxy will run it.
class model {
 public:
  std::string run(const command& c) {
    const std::string& name = c[0];
    if (name == "SET") {
      keys_[c[1]] = c[2];
      return "+OK\r\n";
    }
    if (name == "DEL") {
      return ":" + std::to_string(keys_.erase(c[1])) + "\r\n";
    }
    if (name == "GET") {
      auto found = keys_.find(c[1]);
      return found == keys_.end() ? "$-1\r\n" : bulk(found->second);
    }
    std::vector<std::string_view> rest(c.begin() + 2, c.end());
    if (name == "APPEND") {
      return edit(operation::append(c[1], c[2]));
    }
    if (name == "GETRANGE" || name == "SUBSTR" || name == "SETRANGE") {
      auto first = atomkv::counter::parse(c[2]);
      if (!first) {
        return failed(bits::not_an_integer);
      }
      if (name == "SETRANGE") {
        if (*first < 0) {
          return failed(atomkv::string_edits::offset_out_of_range);
        }
        return edit(operation::set_range(c[1], *first, c[3]));
      }
      auto last = atomkv::counter::parse(c[3]);
      if (!last) {
        return failed(bits::not_an_integer);
      }
      return edit(operation::get_range(c[1], *first, *last));
    }
    if (name == "INCRBYFLOAT") {
      return edit(operation::increment_float(c[1], c[2]));
    }
    if (name == "SETBIT" || name == "GETBIT") {
      auto offset = bits::parse_offset(c[2]);
      if (!offset.ok()) {
        return failed(offset.error);
      }
      if (name == "GETBIT") {
        return edit(operation::get_bit(c[1], offset.value));
      }
      auto bit = bits::parse_bit(c[3]);
      if (!bit.ok()) {
        return failed(bit.error);
      }
      return edit(operation::set_bit(c[1], offset.value, bit.value));
    }
    if (name == "BITCOUNT") {
      return edit(operation::bit_count(c[1], rest));
    }
    if (name == "BITPOS") {
      auto bit = bits::parse_position_bit(c[2]);
      if (!bit.ok()) {
        return failed(bit.error);
      }
      std::vector<std::string_view> range(c.begin() + 3, c.end());
      return edit(operation::bit_position(c[1], bit.value, range));
    }
    if (name == "BITOP") {
      std::vector<std::string_view> sources(c.begin() + 3, c.end());
      auto how = bits::parse_bitop(c[1], sources.size());
      if (!how.ok()) {
        return failed(how.error);
      }
      std::vector<std::optional<std::string>> values;
      for (auto source : sources) {
        auto found = keys_.find(std::string(source));
        values.push_back(found == keys_.end() ? std::nullopt
                                              : std::optional<std::string>(found->second));
      }
      std::string result = bits::combine(how.value, values);
      if (result.empty()) {
        keys_.erase(c[2]);
      } else {
        keys_[c[2]] = result;
      }
      return ":" + std::to_string(result.size()) + "\r\n";
    }
    const bool read_only = name == "BITFIELD_RO";
    auto steps = bits::parse_bitfield(rest, read_only);
    if (!steps.ok()) {
      return failed(steps.error);
    }
    return edit(operation::bitfield(c[1], steps.value, read_only));
  }

 private:
  std::string edit(const operation& op) {
    std::string key(op.key);
    auto found = keys_.find(key);
    bool exists = found != keys_.end();
    std::string value = exists ? found->second : std::string();
    auto done = atomkv::edit_value(op, value, exists);
    if (done.store || (exists && found == keys_.end())) {
      keys_[key] = value;
    }
    return encode(done.answer);
  }

  std::map<std::string, std::string> keys_;
};

struct pair_under_test {
  atomkv::testing::resp_connection redis;
  model local;

  // Runs `c` on both and compares the replies, then the value of the key.
  void check(const command& c) {
    auto theirs = redis.call(c);
    REQUIRE(theirs);
    std::string ours = local.run(c);
    std::string line;
    for (const auto& a : c) {
      line += a + " ";
    }
    INFO("command: " << atomkv::testing::escape_bytes(line));
    CHECK(atomkv::testing::escape_bytes(ours) == atomkv::testing::escape_bytes(*theirs));
    if (c[0] != "GET" && c.size() > 2) {
      const std::string& key = c[0] == "BITOP" ? c[2] : c[1];
      auto value = redis.call({"GET", key});
      REQUIRE(value);
      CHECK(atomkv::testing::escape_bytes(local.run({"GET", key})) ==
            atomkv::testing::escape_bytes(*value));
    }
  }
};

pair_under_test connect_pair() {
  auto& server = atomkv::redis_tests::shared_server();
  auto connection = atomkv::testing::resp_connection::connect(server.port());
  REQUIRE(connection);
  REQUIRE(connection->call({"SELECT", "9"}));
  REQUIRE(connection->call({"FLUSHDB"}));
  return pair_under_test{std::move(*connection), {}};
}

}  // namespace

TEST_CASE("string edits answer as redis-server: a table of edge cases", "[string-edit-diff]") {
  auto both = connect_pair();
  const std::vector<command> script = {
      // APPEND, GETRANGE, SUBSTR
      {"APPEND", "a", ""},
      {"APPEND", "a", "hello"},
      {"APPEND", "a", std::string("\0z", 2)},
      {"GETRANGE", "a", "0", "-1"},
      {"GETRANGE", "a", "-3", "-1"},
      {"GETRANGE", "a", "-1", "-3"},
      {"GETRANGE", "a", "3", "1"},
      {"GETRANGE", "a", "-100", "2"},
      {"GETRANGE", "a", "2", "100"},
      {"GETRANGE", "a", "100", "200"},
      {"GETRANGE", "a", "-9223372036854775808", "-1"},
      {"GETRANGE", "a", "0", "9223372036854775807"},
      {"GETRANGE", "a", "x", "1"},
      {"GETRANGE", "a", "1", " 2"},
      {"GETRANGE", "nokey", "0", "-1"},
      {"SUBSTR", "a", "1", "3"},
      {"SET", "e", ""},
      {"GETRANGE", "e", "0", "-1"},
      {"GETRANGE", "e", "-1", "0"},
      {"SET", "n", "12345"},
      {"GETRANGE", "n", "1", "2"},
      {"APPEND", "n", "6"},
      // SETRANGE and the 512 MB limit (no allocation: only the error paths)
      {"SETRANGE", "s", "0", ""},
      {"SETRANGE", "s", "5", "ab"},
      {"SETRANGE", "s", "0", "XY"},
      {"SETRANGE", "s", "1", ""},
      {"SETRANGE", "s", "-1", "a"},
      {"SETRANGE", "s", "x", "a"},
      {"SETRANGE", "s", "536870911", "ab"},
      {"SETRANGE", "s", "536870912", ""},
      {"SETRANGE", "s", "536870912", "a"},
      {"SETRANGE", "fresh", "536870912", "a"},
      {"SETRANGE", "fresh", "536870912", ""},
      {"SETRANGE", "s", "9223372036854775807", "a"},
      {"SETRANGE", "s", "9223372036854775808", "a"},
      {"SETRANGE", "s", "2", "zzzzzz"},
      // INCRBYFLOAT: formats, errors, precision
      {"INCRBYFLOAT", "f", "10.50"},
      {"INCRBYFLOAT", "f", "1e5"},
      {"INCRBYFLOAT", "f", "  1"},
      {"INCRBYFLOAT", "f", "1 "},
      {"INCRBYFLOAT", "f", "inf"},
      {"INCRBYFLOAT", "f", "-inf"},
      {"INCRBYFLOAT", "f", "nan"},
      {"INCRBYFLOAT", "f", "0x10"},
      {"INCRBYFLOAT", "f", "3.0e3"},
      {"INCRBYFLOAT", "f", ""},
      {"INCRBYFLOAT", "f", "+1.5"},
      {"INCRBYFLOAT", "f", ".5"},
      {"INCRBYFLOAT", "f", "5."},
      {"INCRBYFLOAT", "f", "1e-400"},
      {"INCRBYFLOAT", "f", "1e5000"},
      {"INCRBYFLOAT", "f", "-1e-5000"},
      {"INCRBYFLOAT", "f", "1e308"},
      {"INCRBYFLOAT", "f", "1e4000"},
      {"INCRBYFLOAT", "f", "1e4000"},
      {"INCRBYFLOAT", "f", "1e4932"},
      {"SET", "f", "1.1"},
      {"INCRBYFLOAT", "f", "2.2"},
      {"INCRBYFLOAT", "f", "-3.3"},
      {"INCRBYFLOAT", "f", "0.1"},
      {"INCRBYFLOAT", "f", "-0.1"},
      {"SET", "f", "-0.0"},
      {"INCRBYFLOAT", "f", "0"},
      {"SET", "f", "abc"},
      {"INCRBYFLOAT", "f", "1"},
      {"INCRBYFLOAT", "f", "x"},
      {"SET", "f", " 1"},
      {"INCRBYFLOAT", "f", "1"},
      {"SET", "f", "1e10"},
      {"INCRBYFLOAT", "f", "0.000001"},
      {"SET", "f", "9223372036854775807"},
      {"INCRBYFLOAT", "f", "1"},
      {"INCRBYFLOAT", "g", "-0.0"},
      {"INCRBYFLOAT", "g", "1e-20"},
      {"INCRBYFLOAT", "h", std::string("1\0", 2)},
      {"INCRBYFLOAT", "h", std::string(6000, '1')},
      {"INCRBYFLOAT", "h", "0x1p-16500"},
      {"INCRBYFLOAT", "h", "INF"},
      {"INCRBYFLOAT", "h", "Infinity"},
      {"INCRBYFLOAT", "h", "1.7976931348623157e308"},
      // SETBIT, GETBIT
      {"SETBIT", "b", "7", "1"},
      {"SETBIT", "b", "7", "1"},
      {"SETBIT", "b", "0", "0"},
      {"SETBIT", "b", "100", "0"},
      {"SETBIT", "b", "-1", "1"},
      {"SETBIT", "b", "1", "2"},
      {"SETBIT", "b", "1", "-1"},
      {"SETBIT", "b", "1", "x"},
      {"SETBIT", "b", "x", "1"},
      {"SETBIT", "b", "4294967296", "1"},
      {"SETBIT", "b", "4294967296", "x"},
      {"GETBIT", "b", "4294967296"},
      {"GETBIT", "b", "4294967295"},
      {"GETBIT", "b", "7"},
      {"GETBIT", "b", "-1"},
      {"GETBIT", "nokey", "3"},
      {"GETBIT", "n", "2"},
      {"SETBIT", "b", "01", "1"},
      {"SETBIT", "b", "+1", "1"},
      // BITCOUNT
      {"SET", "c", "foobar"},
      {"BITCOUNT", "c"},
      {"BITCOUNT", "c", "0", "0"},
      {"BITCOUNT", "c", "1", "1"},
      {"BITCOUNT", "c", "1", "1", "BYTE"},
      {"BITCOUNT", "c", "5", "30", "BIT"},
      {"BITCOUNT", "c", "5", "30", "bit"},
      {"BITCOUNT", "c", "-5", "-1", "BIT"},
      {"BITCOUNT", "c", "-1", "-5", "BIT"},
      {"BITCOUNT", "c", "-1", "-5", "nonsense"},
      {"BITCOUNT", "c", "0", "1", "nonsense"},
      {"BITCOUNT", "c", "0"},
      {"BITCOUNT", "c", "0", "1", "BIT", "x"},
      {"BITCOUNT", "c", "x", "1"},
      {"BITCOUNT", "c", "1", "x"},
      {"BITCOUNT", "c", "100", "200"},
      {"BITCOUNT", "c", "-100", "100", "BIT"},
      {"BITCOUNT", "c", "47", "47", "BIT"},
      {"BITCOUNT", "nokey", "x", "y", "z"},
      {"BITCOUNT", "nokey", "0"},
      {"BITCOUNT", "e"},
      {"BITCOUNT", "n"},
      {"BITCOUNT", "c", std::string("0"), "1", std::string("bit\0x", 5)},
      // BITPOS
      {"SET", "p", std::string("\xff\xf0\x00", 3)},
      {"BITPOS", "p", "0"},
      {"BITPOS", "p", "1"},
      {"BITPOS", "p", "1", "1"},
      {"BITPOS", "p", "1", "2"},
      {"BITPOS", "p", "0", "0", "0"},
      {"BITPOS", "p", "0", "0", "1"},
      {"BITPOS", "p", "1", "7", "15", "BIT"},
      {"BITPOS", "p", "0", "3", "11", "BIT"},
      {"BITPOS", "p", "0", "0", "11", "BIT"},
      {"BITPOS", "p", "1", "-5", "-1", "BIT"},
      {"BITPOS", "p", "0", "-1"},
      {"BITPOS", "p", "0", "5", "1"},
      {"BITPOS", "p", "2"},
      {"BITPOS", "p", "x"},
      {"BITPOS", "p", "1", "x"},
      {"BITPOS", "p", "1", "0", "x"},
      {"BITPOS", "p", "1", "0", "x", "nonsense"},
      {"BITPOS", "p", "1", "x", "1", "nonsense"},
      {"BITPOS", "p", "1", "0", "1", "BYTE", "extra"},
      {"BITPOS", "nokey", "1", "x"},
      {"BITPOS", "nokey", "0"},
      {"BITPOS", "nokey", "2"},
      {"BITPOS", "e", "0"},
      {"BITPOS", "e", "1"},
      {"SET", "o", "\xff\xff"},
      {"BITPOS", "o", "0"},
      {"BITPOS", "o", "0", "1"},
      {"BITPOS", "o", "0", "0", "-1"},
      {"BITPOS", "o", "0", "3", "-1", "BIT"},
      {"BITPOS", "o", "0", "3", "BIT"},
      {"BITPOS", "n", "1"},
      {"BITPOS", "n", "0", "2"},
      // BITFIELD: types, offsets, overflow edges
      {"BITFIELD", "bf", "GET", "u8", "0"},
      {"BITFIELD", "bf"},
      {"BITFIELD", "bf", "SET", "u8", "0", "255", "GET", "u8", "0"},
      {"BITFIELD", "bf", "INCRBY", "u8", "0", "1"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "-1000"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "1000"},
      {"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1", "INCRBY", "u8", "0", "-1"},
      {"BITFIELD", "bf", "SET", "i8", "#1", "-128", "INCRBY", "i8", "#1", "-1"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "#1", "-1", "INCRBY", "i8", "#1",
       "1000"},
      {"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i8", "#1", "1"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i8", "0", "-9223372036854775808"},
      {"BITFIELD", "bf", "OVERFLOW", "WRAP", "SET", "i8", "0", "-9223372036854775808"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "i8", "0", "9223372036854775807"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "u8", "0", "-1"},
      {"BITFIELD", "bf", "OVERFLOW", "WRAP", "SET", "u8", "0", "-1"},
      {"BITFIELD", "bf", "OVERFLOW", "FAIL", "SET", "u8", "0", "256"},
      {"BITFIELD", "bf", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "9223372036854775807"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-9223372036854775808", "INCRBY",
       "i64", "0", "-9223372036854775808"},
      {"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1"},
      {"BITFIELD", "bf", "SET", "u63", "1", "9223372036854775807", "INCRBY", "u63", "1", "1"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "u63", "1", "-9223372036854775808", "INCRBY",
       "u63", "1", "9223372036854775807"},
      {"BITFIELD", "bf", "OVERFLOW", "SAT", "SET", "u63", "1", "-5"},
      {"BITFIELD", "bf", "GET", "u64", "0"},
      {"BITFIELD", "bf", "GET", "i65", "0"},
      {"BITFIELD", "bf", "GET", "i0", "0"},
      {"BITFIELD", "bf", "GET", "x8", "0"},
      {"BITFIELD", "bf", "GET", "", "0"},
      {"BITFIELD", "bf", "GET", "i08", "0"},
      {"BITFIELD", "bf", "GET", "u8", "-1"},
      {"BITFIELD", "bf", "GET", "u8", "#-1"},
      {"BITFIELD", "bf", "GET", "u8", "4294967296"},
      {"BITFIELD", "bf", "GET", "u8", "4294967295"},
      {"BITFIELD", "bf", "GET", "u8", "#536870911"},
      {"BITFIELD", "bf", "GET", "u8", "#536870912"},
      {"BITFIELD", "bf", "GET", "u2", "#9223372036854775807"},
      {"BITFIELD", "bf", "GET", "u8", "##1"},
      {"BITFIELD", "bf", "GET", "u8", "#"},
      {"BITFIELD", "bf", "SET", "u8", "0", "x"},
      {"BITFIELD", "bf", "SET", "u8", "0"},
      {"BITFIELD", "bf", "OVERFLOW", "nope", "GET", "u8", "0"},
      {"BITFIELD", "bf", "OVERFLOW"},
      {"BITFIELD", "bf", "NOPE", "u8", "0"},
      {"BITFIELD", "bf", "get", "U8", "0"},
      {"BITFIELD", "bf", "get", "u8", "0", "overflow", "fail", "incrby", "u3", "5", "100"},
      {"BITFIELD_RO", "bf", "GET", "u8", "0", "GET", "i4", "4"},
      {"BITFIELD_RO", "bf", "GET", "u8", "0", "SET", "u8", "0", "1"},
      {"BITFIELD_RO", "bf", "SET", "u8", "x", "1"},
      {"BITFIELD_RO", "nokey", "GET", "i16", "3"},
      {"BITFIELD", "nokey2", "OVERFLOW", "FAIL", "SET", "u1", "0", "2"},
      {"BITFIELD", "n", "GET", "u8", "8", "SET", "u8", "0", "65"},
      {"BITFIELD", "grow", "SET", "u8", "#10", "1", "GET", "u64", "#0"},
      // BITOP
      {"SET", "x1", "\xf0\x0f\xaa"},
      {"SET", "x2", "\x3c"},
      {"BITOP", "AND", "d", "x1", "x2"},
      {"BITOP", "or", "d", "x1", "x2", "nokey"},
      {"BITOP", "Xor", "d", "x2", "x1"},
      {"BITOP", "NOT", "d", "x1"},
      {"BITOP", "NOT", "d", "x1", "x2"},
      {"BITOP", "NOT", "d", "nokey"},
      {"BITOP", "nand", "d", "x1"},
      {"BITOP", "AND", "d", "nokey"},
      {"BITOP", "AND", "x2", "x2", "x1"},
      {"BITOP", std::string("and\0x", 5), "d", "x1"},
  };
  for (const auto& c : script) {
    both.check(c);
  }
}

TEST_CASE("bitfield arithmetic answers as redis-server over random types and values",
          "[string-edit-diff]") {
  auto both = connect_pair();
  std::mt19937_64 random(18);
  const std::vector<std::int64_t> edges = {0,
                                           1,
                                           -1,
                                           127,
                                           128,
                                           -128,
                                           -129,
                                           255,
                                           256,
                                           INT64_MAX,
                                           INT64_MIN,
                                           INT64_MAX - 1,
                                           INT64_MIN + 1,
                                           1LL << 62,
                                           -(1LL << 62),
                                           (1LL << 32) - 1};
  const char* overflows[] = {"WRAP", "SAT", "FAIL"};
  for (int i = 0; i < 1500; ++i) {
    const bool is_signed = random() % 2 == 0;
    const int width = 1 + static_cast<int>(random() % (is_signed ? 64 : 63));
    const std::string type = (is_signed ? "i" : "u") + std::to_string(width);
    const std::string offset = std::to_string(random() % 40);
    auto number = [&]() -> std::int64_t {
      return random() % 2 ? edges[random() % edges.size()]
                          : static_cast<std::int64_t>(random()) >> (random() % 64);
    };
    command c{"BITFIELD",
              "r",
              "OVERFLOW",
              overflows[random() % 3],
              random() % 2 ? "SET" : "INCRBY",
              type,
              offset,
              std::to_string(number()),
              "GET",
              type,
              offset};
    both.check(c);
  }
}

TEST_CASE("incrbyfloat answers as redis-server over random sums", "[string-edit-diff]") {
  auto both = connect_pair();
  std::mt19937_64 random(7);
  const std::vector<std::string> increments = {"0.1",
                                               "-0.1",
                                               "1.1",
                                               "2.2",
                                               "3e-5",
                                               "-7.25",
                                               "1e17",
                                               "-1e17",
                                               "123456789.987654321",
                                               "0.3333333333333333",
                                               "5",
                                               "-5",
                                               "1e-10",
                                               "2.5e3",
                                               "0x1.8p1",
                                               "-0x10"};
  for (int i = 0; i < 400; ++i) {
    both.check(
        {"INCRBYFLOAT", "x" + std::to_string(i % 5), increments[random() % increments.size()]});
  }
}
