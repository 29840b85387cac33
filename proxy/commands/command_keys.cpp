#include "command_keys.hpp"

#include <cassert>

#include "command_metadata.hpp"
#include "redis/hash_slot.hpp"

namespace atomkv::proxy {

std::vector<found_key> find_keys(const command_spec& spec, args_view command) {
  std::vector<found_key> found;
  const int argc = static_cast<int>(command.size());
  for (const key_spec& ks : spec.info.key_specs) {
    const int first = ks.begin_index;
    const int last = ks.last_key >= 0 ? first + ks.last_key
                     : ks.limit == 0  ? argc + ks.last_key
                                      : first + ((argc - first) / ks.limit + ks.last_key);
    if (last >= argc || last < first || first >= argc) {
      return {};
    }
    const std::span<const std::string_view> flags =
        ks.flags_by_arguments
            ? ks.flags_by_arguments(command)
            : std::span<const std::string_view>(ks.flags.begin(), ks.flags.size());
    assert(ks.key_step > 0);
    for (int i = first; i <= last; i += ks.key_step) {
      found.push_back({static_cast<std::size_t>(i), flags});
    }
  }
  return found;
}

bool keys_on_two_slots(const command_spec& spec, args_view command,
                       std::optional<std::uint16_t>& slot) {
  auto same_slot = [&slot](std::string_view key) {
    const std::uint16_t own = redis::hash_slot(key);
    if (slot && *slot != own) {
      return false;
    }
    slot = own;
    return true;
  };
  const auto& specs = spec.info.key_specs;
  if (specs.size() == 1 && specs.begin()->last_key == 0) {
    // One key at its index, as find_keys would find it, without building the list: most
    // commands.
    const auto at = static_cast<std::size_t>(specs.begin()->begin_index);
    return at < command.size() && !same_slot(command[at]);
  }
  for (const found_key& key : find_keys(spec, command)) {
    if (!same_slot(command[key.position])) {
      return true;
    }
  }
  return false;
}

}  // namespace atomkv::proxy
