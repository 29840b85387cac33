// Bit commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO. Each checks here
// what Redis's src/bitops.c checks before it looks the key up, in the same order; what Redis
// checks after (BITCOUNT's and BITPOS's range, WRONGTYPE) is the operation's.

#include "bits.hpp"

#include "../command_table.hpp"
#include "atomkv/bit_edits.hpp"
#include "parse.hpp"

namespace atomkv::proxy {
namespace bits_family {

using maybe_error = std::optional<std::string>;

// SETBIT key offset value: the offset, then the bit.
maybe_error plan_setbit(args_view a, plan_builder& p) {
  auto offset = bit_edits::parse_offset(a[2]);
  if (!offset.ok()) {
    return std::string(offset.error);
  }
  auto bit = bit_edits::parse_bit(a[3]);
  if (!bit.ok()) {
    return std::string(bit.error);
  }
  p.add(operation::set_bit(a[1], offset.value, bit.value));
  return {};
}

maybe_error plan_getbit(args_view a, plan_builder& p) {
  auto offset = bit_edits::parse_offset(a[2]);
  if (!offset.ok()) {
    return std::string(offset.error);
  }
  p.add(operation::get_bit(a[1], offset.value));
  return {};
}

// BITCOUNT key [start end [BYTE|BIT]]: Redis answers 0 for a missing key before it reads the
// range, so a malformed range is the operation's to refuse.
maybe_error plan_bitcount(args_view a, plan_builder& p) {
  p.add(operation::bit_count(a[1], a.subspan(2)));
  return {};
}

// BITPOS key bit [start [end [BYTE|BIT]]]: the bit is read before the key, the range after.
maybe_error plan_bitpos(args_view a, plan_builder& p) {
  auto bit = bit_edits::parse_position_bit(a[2]);
  if (!bit.ok()) {
    return std::string(bit.error);
  }
  p.add(operation::bit_position(a[1], bit.value, a.subspan(3)));
  return {};
}

// BITOP operation destkey key [key ...]: the operation's name, then NOT's single source.
maybe_error plan_bitop(args_view a, plan_builder& p) {
  auto how = bit_edits::parse_bitop(a[1], a.size() - 3);
  if (!how.ok()) {
    return std::string(how.error);
  }
  p.add(operation::bit_operation(a[2], how.value, a.subspan(3)));
  return {};
}

// BITFIELD and BITFIELD_RO: every subcommand is parsed before the key is looked up.
maybe_error plan_bitfield_generic(args_view a, plan_builder& p, bool read_only) {
  auto steps = bit_edits::parse_bitfield(a.subspan(2), read_only);
  if (!steps.ok()) {
    return std::string(steps.error);
  }
  p.add(operation::bitfield(a[1], p.keep(std::move(steps.value)), read_only));
  return {};
}

maybe_error plan_bitfield(args_view a, plan_builder& p) {
  return plan_bitfield_generic(a, p, false);
}

maybe_error plan_bitfield_ro(args_view a, plan_builder& p) {
  return plan_bitfield_generic(a, p, true);
}

std::span<const std::string_view> bitfield_key_flags(args_view command) {
  static constexpr std::string_view kReads[] = {"RO", "access"};
  static constexpr std::string_view kReadsAndWrites[] = {"RW", "access", "update"};
  for (std::size_t i = 2; i < command.size(); ++i) {
    const std::size_t remaining = command.size() - i - 1;  // arguments after this one
    if (equals_ignoring_case(command[i], "get") && remaining >= 2) {
      i += 2;
    } else if (equals_ignoring_case(command[i], "overflow") && remaining >= 1) {
      i += 1;
    } else {
      return kReadsAndWrites;  // SET, INCRBY, or a syntax error, which Redis takes as a write too
    }
  }
  return kReads;
}

}  // namespace bits_family
}  // namespace atomkv::proxy
