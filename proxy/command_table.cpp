#include "command_table.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace atomkv::proxy {
namespace {

struct registry {
  std::vector<command_spec> all;
  std::unordered_map<std::string_view, const command_spec*> by_name;

  registry() {
    for (auto table : {string_commands(), key_commands(), connection_commands(), server_commands(),
                       introspection_commands(), transaction_commands()}) {
      all.insert(all.end(), table.begin(), table.end());
    }
    for (const auto& spec : all) {
      by_name.emplace(spec.name, &spec);
    }
  }
};

const registry& commands() {
  static const registry instance;
  return instance;
}

// Lower-cases into `buffer`; false when the name is too long to be any command.
bool lower_into(std::string_view name, char* buffer, std::size_t capacity, std::size_t& length) {
  if (name.size() > capacity) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    buffer[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  }
  length = name.size();
  return true;
}

}  // namespace

const command_spec* find_command(args_view args, bool& unknown_subcommand) {
  unknown_subcommand = false;
  char name[64];
  std::size_t length = 0;
  if (args.empty() || !lower_into(args[0], name, 32, length)) {
    return nullptr;
  }
  const auto& table = commands().by_name;
  auto found = table.find(std::string_view(name, length));
  if (found == table.end()) {
    return nullptr;
  }
  const command_spec* spec = found->second;
  if (!(spec->flags & flag_container) || args.size() < 2) {
    return spec;  // a container without its subcommand fails its own arity check
  }
  name[length] = '|';
  std::size_t sub_length = 0;
  if (lower_into(args[1], name + length + 1, sizeof name - length - 1, sub_length)) {
    auto sub = table.find(std::string_view(name, length + 1 + sub_length));
    if (sub != table.end()) {
      return sub->second;
    }
  }
  unknown_subcommand = true;
  return spec;
}

std::span<const command_spec> all_commands() {
  return commands().all;
}

std::vector<const command_spec*> subcommands_of(std::string_view container) {
  std::vector<const command_spec*> subs;
  for (const auto& spec : commands().all) {
    if (spec.name.size() > container.size() && spec.name.starts_with(container) &&
        spec.name[container.size()] == '|') {
      subs.push_back(&spec);
    }
  }
  return subs;
}

}  // namespace atomkv::proxy
