#pragma once
// Redis's string2ll: the only integer syntax Redis accepts in protocol lengths.

#include <cstdint>
#include <string_view>

namespace atomkv::resp::detail {

// "0", or an optional '-' and a digit 1-9 then digits, at most 20 characters, within int64.
// Rejects "", "-", "-0", "+1", leading zeros and spaces, as Redis does.
inline bool parse_redis_integer(std::string_view text, long long& value) {
  const std::size_t n = text.size();
  if (n == 0 || n >= 21) {
    return false;
  }
  if (n == 1 && text[0] == '0') {
    value = 0;
    return true;
  }
  std::size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative && ++i == n) {
    return false;
  }
  if (text[i] < '1' || text[i] > '9') {
    return false;
  }
  std::uint64_t v = 0;
  for (; i < n; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') {
      return false;
    }
    if (__builtin_mul_overflow(v, 10u, &v) ||
        __builtin_add_overflow(v, static_cast<unsigned>(c - '0'), &v)) {
      return false;
    }
  }
  if (negative) {
    if (v > std::uint64_t{1} << 63) {
      return false;
    }
    value = static_cast<long long>(0 - v);
  } else {
    if (v > static_cast<std::uint64_t>(INT64_MAX)) {
      return false;
    }
    value = static_cast<long long>(v);
  }
  return true;
}

}  // namespace atomkv::resp::detail
