#pragma once
// Argument parsing shared by the commands, with Redis's rules and error lines.

#include <cctype>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "../redis_errors.hpp"
#include "atomkv/counter.hpp"

namespace atomkv::proxy {

// Redis's string2ll: the same canonical integers a counter accepts.
inline std::optional<std::int64_t> parse_integer(std::string_view text) {
  return counter::parse(text);
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The argument as Redis's C-string comparisons see it: up to its first NUL byte.
inline std::string_view c_string(std::string_view text) {
  return text.substr(0, text.find('\0'));
}

// A database index as Redis reads it: a long long, then an int; each failure has its own line.
inline std::optional<int> parse_db_int(std::string_view text, std::string_view& error) {
  auto db = parse_integer(text);
  if (!db) {
    error = errors::not_integer;
    return std::nullopt;
  }
  if (*db < std::numeric_limits<int>::min() || *db > std::numeric_limits<int>::max()) {
    error = errors::int_out_of_range;
    return std::nullopt;
  }
  return static_cast<int>(*db);
}

// SELECT's database index, or in `error` the line Redis answers instead.
inline std::optional<std::size_t> parse_db_index(std::string_view text, std::size_t databases,
                                                 std::string_view& error) {
  auto db = parse_db_int(text, error);
  if (!db) {
    return std::nullopt;
  }
  if (*db < 0 || static_cast<std::size_t>(*db) >= databases) {
    error = errors::db_out_of_range;
    return std::nullopt;
  }
  return static_cast<std::size_t>(*db);
}

// SELECT's index, in cluster mode too: there a valid int other than 0 is refused before the
// range is checked (selectCommand), so SELECT -1 and SELECT 16 answer as SELECT 1 does.
inline std::optional<std::size_t> parse_select_index(std::string_view text, std::size_t databases,
                                                     bool cluster_mode, std::string_view& error) {
  if (!cluster_mode) {
    return parse_db_index(text, databases, error);
  }
  auto db = parse_db_int(text, error);
  if (!db) {
    return std::nullopt;
  }
  if (*db != 0) {
    error = errors::select_in_cluster;
    return std::nullopt;
  }
  return 0;
}

}  // namespace atomkv::proxy
