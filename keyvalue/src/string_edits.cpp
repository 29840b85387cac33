#include "atomkv/string_edits.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace atomkv::string_edits {
namespace {

// Redis's MAX_LONG_DOUBLE_CHARS: the buffer for parsing and formatting long doubles.
constexpr std::size_t kLongDoubleChars = 5 * 1024;

}  // namespace

bool fits(std::int64_t length, std::int64_t more) {
  // Unsigned, as Redis adds them, so that a sum past int64 reads as too long, not as negative.
  const auto total = static_cast<std::uint64_t>(length) + static_cast<std::uint64_t>(more);
  return total <= static_cast<std::uint64_t>(max_length);
}

std::string_view range(std::string_view value, std::int64_t start, std::int64_t end) {
  const auto length = static_cast<std::int64_t>(value.size());
  if (start < 0 && end < 0 && start > end) {
    return {};
  }
  if (start < 0) {
    start += length;
  }
  if (end < 0) {
    end += length;
  }
  start = start < 0 ? 0 : start;
  end = end < 0 ? 0 : end;
  if (end >= length) {
    end = length - 1;
  }
  if (start > end || length == 0) {
    return {};
  }
  return value.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start + 1));
}

bool write_at(std::string& value, std::int64_t offset, std::string_view bytes) {
  if (!fits(offset, static_cast<std::int64_t>(bytes.size()))) {
    return false;
  }
  const auto at = static_cast<std::size_t>(offset);
  if (value.size() < at + bytes.size()) {
    value.resize(at + bytes.size(), '\0');
  }
  value.replace(at, bytes.size(), bytes);
  return true;
}

std::optional<long double> parse_float(std::string_view text) {
  if (text.empty() || text.size() >= kLongDoubleChars) {
    return std::nullopt;
  }
  char buffer[kLongDoubleChars];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  const long double value = std::strtold(buffer, &end);
  const bool out_of_range =
      errno == ERANGE && (value == HUGE_VAL || value == -HUGE_VAL || value == 0.0L);
  // A NUL inside the text ends strtold early: the whole text was not a number.
  if (std::isspace(static_cast<unsigned char>(buffer[0])) || *end != '\0' ||
      static_cast<std::size_t>(end - buffer) != text.size() || out_of_range || errno == EINVAL ||
      std::isnan(value)) {
    return std::nullopt;
  }
  return value;
}

std::string format_float(long double value) {
  if (std::isinf(value)) {
    return value > 0 ? "inf" : "-inf";
  }
  char buffer[kLongDoubleChars];
  int written = std::snprintf(buffer, sizeof buffer, "%.17Lf", value);
  if (written < 0 || static_cast<std::size_t>(written) + 1 > sizeof buffer) {
    return {};  // as ld2string: no room gives an empty string (no finite long double needs it)
  }
  std::string_view text(buffer, static_cast<std::size_t>(written));
  if (text.find('.') != std::string_view::npos) {
    while (text.back() == '0') {
      text.remove_suffix(1);
    }
    if (text.back() == '.') {
      text.remove_suffix(1);
    }
  }
  if (text == "-0") {
    return "0";
  }
  return std::string(text);
}

float_sum add_float(std::optional<std::string_view> current, std::string_view increment) {
  long double value = 0;
  if (current) {
    auto parsed = parse_float(*current);
    if (!parsed) {
      return {.error = not_a_float};
    }
    value = *parsed;
  }
  auto delta = parse_float(increment);
  if (!delta) {
    return {.error = not_a_float};
  }
  value += *delta;
  if (std::isnan(value) || std::isinf(value)) {
    return {.error = nan_or_infinity};
  }
  return {.text = format_float(value)};
}

}  // namespace atomkv::string_edits
