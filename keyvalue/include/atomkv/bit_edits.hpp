#pragma once
// Bit operations on a string value with Redis 7.0's exact rules (src/bitops.c): SETBIT, GETBIT,
// BITCOUNT, BITPOS and BITFIELD, and the parsers of their Redis-specific arguments. Bit 0 is the
// most significant bit of the first byte; bytes past the end read as zero.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/operation.hpp"

namespace atomkv::bit_edits {

inline constexpr std::string_view bad_offset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view bad_bit = "ERR bit is not an integer or out of range";
inline constexpr std::string_view bad_type =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but "
    "i64 is.";
inline constexpr std::string_view bad_overflow = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view read_only_get =
    "ERR BITFIELD_RO only supports the GET subcommand";
inline constexpr std::string_view bad_position_bit = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view not_an_integer = "ERR value is not an integer or out of range";
inline constexpr std::string_view syntax_error = "ERR syntax error";

// A parsed argument, or the error line Redis answers for it.
template <class T>
struct parsed {
  T value{};
  std::string_view error;  // empty when the argument is valid
  bool ok() const { return error.empty(); }
};

// A bit offset (getBitOffsetFromArgument): a decimal int64, >= 0, whose byte is below 512 MB.
// With `bits` > 0 (BITFIELD), "#N" means N * bits.
parsed<std::int64_t> parse_offset(std::string_view text, int bits = 0);
// SETBIT's value: 0 or 1 (bad_bit otherwise).
parsed<int> parse_bit(std::string_view text);
// BITPOS's bit: an integer (not_an_integer), then 0 or 1 (bad_position_bit).
parsed<int> parse_position_bit(std::string_view text);

struct field_type {
  bool is_signed = false;
  std::uint8_t bits = 0;
};
// "i1".."i64", "u1".."u63" (bad_type otherwise).
parsed<field_type> parse_type(std::string_view text);
// BITFIELD's (or BITFIELD_RO's) arguments after the key, checked in Redis's order; the errors
// come before the key is looked up.
parsed<std::vector<bitfield_step>> parse_bitfield(std::span<const std::string_view> arguments,
                                                  bool read_only);

inline constexpr std::string_view not_single_source =
    "ERR BITOP NOT must be called with a single source key.";
// BITOP's operation name (AND, OR, XOR, NOT in any case; syntax_error otherwise), then NOT's
// single source (not_single_source).
parsed<bitop> parse_bitop(std::string_view name, std::size_t sources);
// BITOP's result over the sources (an empty optional: a missing key), zero-padded to the longest.
std::string combine(bitop how, std::span<const std::optional<std::string>> sources);

// GETBIT.
int get_bit(std::string_view value, std::uint64_t offset);
// SETBIT on a value that exists (or was just created empty, with `created`): answers the bit
// before; `modified` says whether Redis signals the key modified (grown, created or changed).
int set_bit(std::string& value, std::uint64_t offset, int bit, bool created, bool& modified);

// BITCOUNT and BITPOS on an existing value, with the range arguments as given: an integer, or an
// error line (not_an_integer, syntax_error). A missing key is the caller's (0; BITPOS: -1 for 1,
// 0 for 0), as Redis answers it before it reads these arguments.
op_result bit_count(std::string_view value, std::span<const std::string_view> range);
op_result bit_position(std::string_view value, int bit, std::span<const std::string_view> range);

// BITFIELD's steps on `value`. With a SET or INCRBY, the value is first padded with zero bytes to
// hold the farthest bit written (`exists` becomes true: Redis creates the key); `modified` says
// whether Redis signals the key modified. The answer is one integer per step, nil for a step that
// overflowed under OVERFLOW FAIL (and wrote nothing).
op_result bitfield(std::string& value, bool& exists, std::span<const bitfield_step> steps,
                   bool& modified);

}  // namespace atomkv::bit_edits
