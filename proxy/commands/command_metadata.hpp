#pragma once
// The shapes of what COMMAND INFO and COMMAND DOCS tell about a command beyond its name, arity
// and key positions: the data redis-server 7.0.15 shows for the same command, so that clients
// that read it (cluster clients routing by key specifications, redis-cli's hints) see Redis.
// Each command's unit (command_table.hpp) holds its own. Strings are written as Redis writes them
// (flags without "+", categories with "@").

#include <initializer_list>
#include <span>
#include <string_view>

namespace atomkv::proxy {

// Where a command's keys are, in Redis 7's key specification form. The commands the proxy
// implements need only two of its forms: the search for the first key begins at a fixed
// argument index ("index"), and the keys are a range from there ("range").
struct key_spec {
  std::string_view notes;                         // shown only when not empty
  std::initializer_list<std::string_view> flags;  // "RO", "RW", "OW", "RM", "access", ...
  int begin_index = 1;                            // begin_search: index
  int last_key = 0;  // find_keys: range; relative to the first key, -1 the last argument
  int key_step = 1;
  int limit = 0;
  // For a specification with "variable_flags": the flags the call's arguments need, as the
  // command's getkeys procedure names them in Redis (COMMAND GETKEYSANDFLAGS).
  std::span<const std::string_view> (*flags_by_arguments)(
      std::span<const std::string_view> command) = nullptr;
};

// COMMAND INFO's elements beyond the name, arity and first/last/step key positions.
struct command_info_data {
  std::initializer_list<std::string_view> flags;           // "write", "readonly", "fast", ...
  std::initializer_list<std::string_view> acl_categories;  // "@read", "@string", ...
  std::initializer_list<std::string_view> tips;            // "request_policy:multi_shard", ...
  std::initializer_list<key_spec> key_specs;
};

// One argument of a command, as COMMAND DOCS shows it. Arguments of type "oneof" and "block"
// hold nested arguments.
struct doc_argument {
  std::string_view name;
  std::string_view type;    // "key", "string", "integer", "pattern", "pure-token", "oneof", ...
  int key_spec_index = -1;  // type "key": its key specification in COMMAND INFO
  std::string_view token;   // the word written before the value, if any
  std::string_view since;
  std::string_view deprecated_since;
  std::initializer_list<std::string_view> flags;  // "optional", "multiple", "multiple_token"
  std::initializer_list<doc_argument> arguments;
};

struct doc_history_entry {
  std::string_view version;
  std::string_view change;
};

// COMMAND DOCS's map for one command; empty fields are left out of the reply, as Redis does.
struct command_doc {
  std::string_view summary;
  std::string_view since;
  std::string_view group;
  std::string_view complexity;
  std::initializer_list<std::string_view> doc_flags;  // "deprecated", "syscmd"
  std::string_view deprecated_since;
  std::string_view replaced_by;
  std::initializer_list<doc_history_entry> history;
  std::initializer_list<doc_argument> arguments;
};

}  // namespace atomkv::proxy
