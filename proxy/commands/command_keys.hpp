#pragma once
// The keys of a call, found by its command's key specifications as Redis finds them: for COMMAND
// GETKEYS, and for the slot checks in front of a Redis Cluster.

#include <cstddef>
#include <cstdint>
#include <optional>
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

// Whether the keys of `command` hash to two slots, counting `slot`, the slot of the keys seen
// before it (set to theirs when none was): a cluster node's CROSSSLOT.
bool keys_on_two_slots(const command_spec& spec, args_view command,
                       std::optional<std::uint16_t>& slot);

}  // namespace atomkv::proxy
