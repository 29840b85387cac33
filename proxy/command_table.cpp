#include "command_table.hpp"

#include <algorithm>
#include <cstdint>

namespace atomkv::proxy {
namespace {

// Names hash with FNV-1a, and the table is open-addressed with a power-of-two size: a lookup
// runs once per command, and the standard map's murmur hash, prime modulo and node chase showed
// up in profiles of pipelined load.
std::uint64_t name_hash(std::string_view name) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : name) {
    hash = (hash ^ c) * 1099511628211ull;
  }
  return hash;
}

struct registry {
  std::vector<command_spec> all;
  std::vector<const command_spec*> slots;  // at most a quarter full
  std::size_t mask = 0;

  registry() {
    for (auto table :
         {string_commands(), key_commands(), expiry_commands(), connection_commands(),
          server_commands(), config_commands(), introspection_commands(), transaction_commands(),
          bit_commands(), function_commands(), replication_commands(), object_commands()}) {
      all.insert(all.end(), table.begin(), table.end());
    }
    std::size_t size = 16;
    while (size < all.size() * 4) {
      size *= 2;
    }
    slots.assign(size, nullptr);
    mask = size - 1;
    for (const auto& spec : all) {
      std::size_t i = name_hash(spec.name) & mask;
      while (slots[i] != nullptr) {
        i = (i + 1) & mask;
      }
      slots[i] = &spec;
    }
  }

  const command_spec* find(std::string_view lower_name) const {
    for (std::size_t i = name_hash(lower_name) & mask; slots[i] != nullptr; i = (i + 1) & mask) {
      if (slots[i]->name == lower_name) {
        return slots[i];
      }
    }
    return nullptr;
  }
};

const registry& commands() {
  static const registry instance;
  return instance;
}

// Lower-cases ASCII into `buffer` (command names are ASCII; no locale); false when the name is
// too long to be any command.
bool lower_into(std::string_view name, char* buffer, std::size_t capacity, std::size_t& length) {
  if (name.size() > capacity) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    buffer[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
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
  const auto& table = commands();
  const command_spec* spec = table.find(std::string_view(name, length));
  if (spec == nullptr) {
    return nullptr;
  }
  if (!(spec->flags & flag_container) || args.size() < 2) {
    return spec;  // a container without its subcommand fails its own arity check
  }
  name[length] = '|';
  std::size_t sub_length = 0;
  if (lower_into(args[1], name + length + 1, sizeof name - length - 1, sub_length)) {
    if (const command_spec* sub = table.find(std::string_view(name, length + 1 + sub_length))) {
      return sub;
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
