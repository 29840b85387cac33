#pragma once
// Argument parsing shared by the commands, with Redis's rules and error lines.

#include <cctype>
#include <cstdint>
#include <optional>
#include <string_view>

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

}  // namespace atomkv::proxy
