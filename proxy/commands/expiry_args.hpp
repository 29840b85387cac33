#pragma once
// The expiry options of SET and GETEX, read as Redis 7.0's parseExtendedStringArgumentsOrReply and
// getExpireMillisecondsOrReply read them (src/t_string.c).

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "../command_table.hpp"
#include "atomkv/clock.hpp"
#include "parse.hpp"

namespace atomkv::proxy {

enum class expiry_unit : std::uint8_t { none, ex, px, exat, pxat };

struct string_options {
  bool nx = false, xx = false, get = false, keepttl = false, persist = false;
  expiry_unit unit = expiry_unit::none;
  std::string_view time;  // the argument after EX, PX, EXAT or PXAT (the last one given)
};

// Reads the options from args[first]; false on a syntax error. `for_set`: SET's options (NX, XX,
// GET, KEEPTTL), else GETEX's (PERSIST). Each word is compared as a C string, as Redis does.
inline bool parse_string_options(args_view a, std::size_t first, bool for_set,
                                 string_options& out) {
  auto is = [](std::string_view arg, std::string_view word) {
    return equals_ignoring_case(c_string(arg), word);
  };
  // One unit may repeat (the last time wins); two different units clash.
  auto unit_allowed = [&](expiry_unit unit) {
    return !out.keepttl && !out.persist && (out.unit == expiry_unit::none || out.unit == unit);
  };
  for (std::size_t j = first; j < a.size(); ++j) {
    std::string_view opt = a[j];
    const bool has_next = j + 1 < a.size();
    expiry_unit unit = is(opt, "ex")     ? expiry_unit::ex
                       : is(opt, "px")   ? expiry_unit::px
                       : is(opt, "exat") ? expiry_unit::exat
                       : is(opt, "pxat") ? expiry_unit::pxat
                                         : expiry_unit::none;
    if (for_set && is(opt, "nx") && !out.xx) {
      out.nx = true;
    } else if (for_set && is(opt, "xx") && !out.nx) {
      out.xx = true;
    } else if (for_set && is(opt, "get")) {
      out.get = true;
    } else if (for_set && is(opt, "keepttl") && !out.persist && out.unit == expiry_unit::none) {
      out.keepttl = true;
    } else if (!for_set && is(opt, "persist") && !out.keepttl && out.unit == expiry_unit::none) {
      out.persist = true;
    } else if (unit != expiry_unit::none && unit_allowed(unit) && has_next) {
      out.unit = unit;
      out.time = a[++j];
    } else {
      return false;
    }
  }
  return true;
}

enum class expiry_problem : std::uint8_t { not_integer, invalid_time };

// The deadline of `time` in `unit` (not none), or the problem Redis reports: not an integer; not
// positive, or past int64 once in milliseconds or (EX, PX) once added to the clock. Relative
// times stay relative, so the backend applies them by its own clock.
inline std::optional<expiry> string_expiry(expiry_unit unit, std::string_view time,
                                           expiry_problem& problem) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  auto n = parse_integer(time);
  if (!n) {
    problem = expiry_problem::not_integer;
    return std::nullopt;
  }
  const bool seconds = unit == expiry_unit::ex || unit == expiry_unit::exat;
  if (*n <= 0 || (seconds && *n > kMax / 1000)) {
    problem = expiry_problem::invalid_time;
    return std::nullopt;
  }
  const std::int64_t ms = seconds ? *n * 1000 : *n;
  if (unit == expiry_unit::exat || unit == expiry_unit::pxat) {
    return expiry::at(ms);
  }
  if (ms > kMax - unix_time_ms()) {
    problem = expiry_problem::invalid_time;
    return std::nullopt;
  }
  return expiry::after(ms);
}

}  // namespace atomkv::proxy
