#pragma once
// The keys of a call, found by its command's key specifications as Redis finds them: for COMMAND
// GETKEYS, and for the slot checks of a transaction in front of a Redis Cluster.

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "../command_table.hpp"

namespace atomkv::proxy {

// A key of a call: its argument position and the flags of the specification that found it.
struct found_key {
  std::size_t position;
  std::span<const std::string_view> flags;
};

// The keys of `command`, found by its key specifications as Redis's getKeysUsingKeySpecs finds
// them (src/db.c); none when an argument a specification needs is missing. Every specification
// of the proxy's commands begins at an index and finds a range. A specification with variable
// flags takes them from the call, as Redis's getkeys procedure for it does.
std::vector<found_key> find_keys(const command_spec& spec, args_view command);

}  // namespace atomkv::proxy
