#pragma once
// Edits of a string value with Redis 7.0's exact rules (src/t_string.c, src/util.c): APPEND,
// GETRANGE, SETRANGE and INCRBYFLOAT's float parsing and formatting. Pure functions on bytes,
// shared by the backends that hold values themselves and by the proxy's argument checks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atomkv::string_edits {

// Redis's proto-max-bulk-len default: no string grows past 512 MB.
inline constexpr std::int64_t max_length = 512LL * 1024 * 1024;

inline constexpr std::string_view too_long =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
inline constexpr std::string_view offset_out_of_range = "ERR offset is out of range";
inline constexpr std::string_view not_a_float = "ERR value is not a valid float";
inline constexpr std::string_view nan_or_infinity = "ERR increment would produce NaN or Infinity";

// Whether a string of `length` bytes grown by `more` stays within max_length (checkStringLength).
bool fits(std::int64_t length, std::int64_t more);

// GETRANGE's bytes of `value` from `start` to `end` inclusive; negative indexes count from the
// end, and a range that holds nothing is empty.
std::string_view range(std::string_view value, std::int64_t start, std::int64_t end);

// SETRANGE on an existing value: writes `bytes` at `offset` (>= 0), padding with zero bytes.
// Answers false, changing nothing, when the result would pass max_length. The caller handles an
// empty `bytes` (no write, no check) and a missing key, as Redis does.
bool write_at(std::string& value, std::int64_t offset, std::string_view bytes);

// What Redis's string2ld accepts as a float: strtold's syntax ("1e5", "0x10", "inf", "-1.5"),
// the whole text, no leading space, not NaN, no overflow, no underflow to zero, shorter than
// 5120 bytes.
std::optional<long double> parse_float(std::string_view text);

// INCRBYFLOAT's formatting (ld2string's LD_STR_HUMAN): "%.17Lf" without trailing zeros or a
// trailing '.', and "-0" as "0".
std::string format_float(long double value);

// INCRBYFLOAT: the new value as text, or the error line (not_a_float for the current value first,
// then for the increment; nan_or_infinity). `current` is empty for a missing key.
struct float_sum {
  std::string text;
  std::string_view error;  // empty when the sum is valid
};
float_sum add_float(std::optional<std::string_view> current, std::string_view increment);

}  // namespace atomkv::string_edits
