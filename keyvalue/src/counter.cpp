#include "atomkv/counter.hpp"

#include <charconv>
#include <limits>

namespace atomkv::counter {

std::optional<std::int64_t> parse(std::string_view text) {
  // Longest canonical form: "-9223372036854775808", 20 characters.
  if (text.empty() || text.size() > 20) {
    return std::nullopt;
  }
  if (text == "0") {
    return 0;
  }
  std::size_t digits_start = text[0] == '-' ? 1 : 0;
  if (digits_start == text.size() || text[digits_start] < '1' || text[digits_start] > '9') {
    return std::nullopt;  // "-", "-0", leading zero, '+', space
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;  // out of range, or trailing bytes
  }
  return value;
}

std::string format(std::int64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 24 bytes always hold an int64
  return std::string(buffer, end);
}

std::optional<std::int64_t> add(std::int64_t current, std::int64_t delta) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(current, delta, &sum)) {
    return std::nullopt;
  }
  return sum;
}

}  // namespace atomkv::counter
