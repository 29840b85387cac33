#pragma once
// The handlers of SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO, for their
// units (bits_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::bits_family {

std::optional<std::string> plan_setbit(args_view args, plan_builder& plan);
std::optional<std::string> plan_getbit(args_view args, plan_builder& plan);
std::optional<std::string> plan_bitcount(args_view args, plan_builder& plan);
std::optional<std::string> plan_bitpos(args_view args, plan_builder& plan);
std::optional<std::string> plan_bitop(args_view args, plan_builder& plan);
std::optional<std::string> plan_bitfield(args_view args, plan_builder& plan);
std::optional<std::string> plan_bitfield_ro(args_view args, plan_builder& plan);
// The flags of BITFIELD's key for one call: read-only with GETs alone (Redis's bitfieldGetKeys).
std::span<const std::string_view> bitfield_key_flags(args_view command);

}  // namespace atomkv::proxy::bits_family
