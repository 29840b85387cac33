#pragma once
// Test helpers: build reply_value trees, write them with reply_writer, and predict what a
// RESP2 client receives for RESP3 types.

#include <cstdlib>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "atomkv/resp/reply_value.hpp"
#include "atomkv/resp/reply_writer.hpp"

namespace atomkv::resp::test {

inline reply_value leaf(reply_kind kind, std::string str = {}, std::int64_t integer = 0) {
  reply_value v;
  v.kind = kind;
  v.str = std::move(str);
  v.integer = integer;
  return v;
}

inline reply_value node(reply_kind kind, std::vector<reply_value> children) {
  reply_value v;
  v.kind = kind;
  v.children = std::move(children);
  return v;
}

inline reply_value verbatim(std::string format, std::string text) {
  reply_value v = leaf(reply_kind::verbatim, std::move(text));
  v.format = std::move(format);
  return v;
}

inline void write_value(reply_writer& w, const reply_value& v) {
  switch (v.kind) {
    case reply_kind::simple_string:
      w.simple(v.str);
      break;
    case reply_kind::error:
      w.error(v.str);
      break;
    case reply_kind::integer:
      w.integer(v.integer);
      break;
    case reply_kind::bulk_string:
      w.bulk(v.str);
      break;
    case reply_kind::null:
      w.null();
      break;
    case reply_kind::null_array:
      w.null_array();
      break;
    case reply_kind::array:
      w.array_header(v.children.size());
      break;
    case reply_kind::map:
    case reply_kind::attribute:
      w.map_header(v.children.size() / 2);
      break;
    case reply_kind::set:
      w.set_header(v.children.size());
      break;
    case reply_kind::push:
      w.push_header(v.children.size());
      break;
    case reply_kind::double_value:
      w.double_value(std::strtod(v.str.c_str(), nullptr));
      break;
    case reply_kind::boolean:
      w.boolean(v.integer != 0);
      break;
    case reply_kind::verbatim:
      w.verbatim(v.format, v.str);
      break;
    case reply_kind::big_number:
      w.big_number(v.str);
      break;
  }
  for (const reply_value& child : v.children) {
    write_value(w, child);
  }
}

inline std::string encode(const reply_value& v, protocol proto) {
  std::string out;
  reply_writer w(out, proto);
  write_value(w, v);
  return out;
}

// What a decoder reads back from `v` written in `proto`.
inline reply_value as_received(const reply_value& v, protocol proto) {
  reply_value r = v;
  r.children.clear();
  for (const reply_value& child : v.children) {
    r.children.push_back(as_received(child, proto));
  }
  if (proto == protocol::resp3) {
    if (r.kind == reply_kind::null_array) {
      r.kind = reply_kind::null;
    }
    return r;
  }
  switch (r.kind) {
    case reply_kind::map:
    case reply_kind::set:
    case reply_kind::push:
      r.kind = reply_kind::array;
      break;
    case reply_kind::double_value:
    case reply_kind::big_number:
      r.kind = reply_kind::bulk_string;
      break;
    case reply_kind::verbatim:
      r.kind = reply_kind::bulk_string;
      r.format.clear();
      break;
    case reply_kind::boolean:
      r.kind = reply_kind::integer;
      break;
    default:
      break;
  }
  return r;
}

// A random reply tree of every type the writer produces.
inline reply_value random_reply(std::mt19937& rng, int depth = 0) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto bytes = [&](int max) {
    std::string s(static_cast<std::size_t>(pick(max + 1)), '\0');
    for (char& c : s) {
      c = static_cast<char>(pick(256));
    }
    return s;
  };
  auto word = [&](int max) {
    std::string s(static_cast<std::size_t>(pick(max + 1)), '\0');
    for (char& c : s) {
      c = static_cast<char>('a' + pick(26));
    }
    return s;
  };
  static const char* const doubles[] = {"1.5",
                                        "-2",
                                        "0.10000000000000001",
                                        "inf",
                                        "-inf",
                                        "nan",
                                        "1.0000000000000001e+300",
                                        "0",
                                        "3.1415926535897931"};
  const int kinds = depth >= 3 ? 10 : 14;
  switch (pick(kinds)) {
    case 0:
      return leaf(reply_kind::simple_string, word(12));
    case 1:
      return leaf(reply_kind::error, "ERR " + word(20));
    case 2:
      return leaf(reply_kind::integer, {}, static_cast<std::int64_t>(rng()) - (1ll << 31));
    case 3:
      return leaf(reply_kind::bulk_string, bytes(40));
    case 4:
      return leaf(reply_kind::null);
    case 5:
      return leaf(reply_kind::null_array);
    case 6:
      return leaf(reply_kind::double_value, doubles[pick(9)]);
    case 7:
      return leaf(reply_kind::boolean, {}, pick(2));
    case 8:
      return verbatim(pick(2) ? "txt" : "mkd", bytes(30));
    case 9:
      return leaf(reply_kind::big_number, (pick(2) ? "-" : "") + std::to_string(1 + pick(9)) +
                                              std::string(static_cast<std::size_t>(pick(40)), '7'));
    default: {
      static const reply_kind aggregates[] = {reply_kind::array, reply_kind::map, reply_kind::set,
                                              reply_kind::push};
      const reply_kind kind = aggregates[pick(4)];
      std::vector<reply_value> children;
      const int n = pick(5) * (kind == reply_kind::map ? 2 : 1);
      for (int i = 0; i < n; ++i) {
        children.push_back(random_reply(rng, depth + 1));
      }
      return node(kind, std::move(children));
    }
  }
}

}  // namespace atomkv::resp::test

namespace Catch {
template <>
struct StringMaker<atomkv::resp::reply_value> {
  static std::string convert(const atomkv::resp::reply_value& v) {
    std::string s = std::string(atomkv::resp::to_string(v.kind)) + "(" + v.format + v.str + " " +
                    std::to_string(v.integer);
    for (const auto& c : v.children) {
      s += " " + convert(c);
    }
    return s + ")";
  }
};
}  // namespace Catch
