#pragma once
// Counters are stored as Redis stores them: canonical ASCII decimal signed 64-bit integers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace atomkv::counter {

// Accepts exactly what Redis's string2ll accepts: "0", or an optional '-' and a digit 1-9 then
// digits, at most 20 characters, within int64. Rejects spaces, '+', leading zeros, "-0", "".
std::optional<std::int64_t> parse(std::string_view text);

std::string format(std::int64_t value);

// current + delta, or none on overflow.
std::optional<std::int64_t> add(std::int64_t current, std::int64_t delta);

}  // namespace atomkv::counter
