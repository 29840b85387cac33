// COMMAND and its subcommands: the proxy describing its commands the way redis-server 7.0.15
// describes the same commands (each command unit's info and docs, command_table.hpp), in RESP2 and
// RESP3.
//
// Listings hold only what the proxy implements: COMMAND, COMMAND COUNT, COMMAND LIST and COMMAND
// INFO / DOCS without names list the proxy's commands, not Redis's; and a container's entry
// (CLIENT, CONFIG, COMMAND) lists only the subcommands the proxy implements, where Redis lists
// all of its own (CLIENT KILL, CONFIG SET, ...). A client that reads a subcommand there can call
// it. The entry of each command and subcommand is otherwise Redis's.

#include <algorithm>
#include <cassert>
#include <functional>
#include <string>

#include "../client.hpp"
#include "../command_table.hpp"
#include "../redis_errors.hpp"
#include "atomkv/glob.hpp"
#include "command_keys.hpp"
#include "command_metadata.hpp"
#include "help_reply.hpp"
#include "introspection.hpp"
#include "parse.hpp"

namespace atomkv::proxy {
namespace introspection_family {

void write_simple_set(std::initializer_list<std::string_view> items, resp::reply_writer& out) {
  out.set_header(items.size());
  for (auto item : items) {
    out.simple(item);
  }
}

void write_key_spec(const key_spec& spec, resp::reply_writer& out) {
  out.map_header(spec.notes.empty() ? 3 : 4);
  if (!spec.notes.empty()) {
    out.bulk("notes");
    out.bulk(spec.notes);
  }
  out.bulk("flags");
  write_simple_set(spec.flags, out);
  out.bulk("begin_search");
  out.map_header(2);
  out.bulk("type");
  out.bulk("index");
  out.bulk("spec");
  out.map_header(1);
  out.bulk("index");
  out.integer(spec.begin_index);
  out.bulk("find_keys");
  out.map_header(2);
  out.bulk("type");
  out.bulk("range");
  out.bulk("spec");
  out.map_header(3);
  out.bulk("lastkey");
  out.integer(spec.last_key);
  out.bulk("keystep");
  out.integer(spec.key_step);
  out.bulk("limit");
  out.integer(spec.limit);
}

// One COMMAND INFO entry, in Redis 7's ten-element shape: name, arity, flags, first key, last
// key, key step, ACL categories, tips, key specifications, subcommands.
void write_command_info(const command_spec& spec, resp::reply_writer& out) {
  const command_info_data* info = &spec.info;
  out.array_header(10);
  out.bulk(spec.name);
  out.integer(spec.arity);
  write_simple_set(info->flags, out);
  out.integer(spec.first_key);
  out.integer(spec.last_key);
  out.integer(spec.key_step);
  write_simple_set(info->acl_categories, out);
  out.set_header(info->tips.size());
  for (auto tip : info->tips) {
    out.bulk(tip);
  }
  out.set_header(info->key_specs.size());
  for (const auto& key : info->key_specs) {
    write_key_spec(key, out);
  }
  // Only the subcommands the proxy implements (Redis lists all of its own). Like Redis, an
  // array when there are subcommands and an empty set when there are none.
  auto subs = subcommands_of(spec.name);
  if (subs.empty()) {
    out.set_header(0);
    return;
  }
  out.array_header(subs.size());
  for (const auto* sub : subs) {
    write_command_info(*sub, out);
  }
}

void write_doc_argument(const doc_argument& arg, resp::reply_writer& out) {
  const bool is_key = arg.type == "key";
  out.map_header(2 + (is_key ? 1 : 0) + (arg.token.empty() ? 0 : 1) + (arg.since.empty() ? 0 : 1) +
                 (arg.deprecated_since.empty() ? 0 : 1) + (arg.flags.size() == 0 ? 0 : 1) +
                 (arg.arguments.size() == 0 ? 0 : 1));
  out.bulk("name");
  out.bulk(arg.name);
  out.bulk("type");
  out.bulk(arg.type);
  if (is_key) {
    out.bulk("key_spec_index");
    out.integer(arg.key_spec_index);
  }
  if (!arg.token.empty()) {
    out.bulk("token");
    out.bulk(arg.token);
  }
  if (!arg.since.empty()) {
    out.bulk("since");
    out.bulk(arg.since);
  }
  if (!arg.deprecated_since.empty()) {
    out.bulk("deprecated_since");
    out.bulk(arg.deprecated_since);
  }
  if (arg.flags.size() != 0) {
    out.bulk("flags");
    write_simple_set(arg.flags, out);
  }
  if (arg.arguments.size() != 0) {
    out.bulk("arguments");
    out.array_header(arg.arguments.size());
    for (const auto& nested : arg.arguments) {
      write_doc_argument(nested, out);
    }
  }
}

// One command's COMMAND DOCS map; fields Redis has no value for are left out, as Redis does.
void write_command_doc(const command_spec& spec, resp::reply_writer& out) {
  const command_doc* doc = &spec.doc;
  // Only the subcommands the proxy implements (Redis lists all of its own).
  auto subs = subcommands_of(spec.name);
  auto present = [](bool has) { return has ? 1 : 0; };
  out.map_header(3 + present(!doc->complexity.empty()) + present(doc->doc_flags.size() != 0) +
                 present(!doc->deprecated_since.empty()) + present(!doc->replaced_by.empty()) +
                 present(doc->history.size() != 0) + present(doc->arguments.size() != 0) +
                 present(!subs.empty()));
  out.bulk("summary");
  out.bulk(doc->summary);
  out.bulk("since");
  out.bulk(doc->since);
  out.bulk("group");
  out.bulk(doc->group);
  if (!doc->complexity.empty()) {
    out.bulk("complexity");
    out.bulk(doc->complexity);
  }
  if (doc->doc_flags.size() != 0) {
    out.bulk("doc_flags");
    write_simple_set(doc->doc_flags, out);
  }
  if (!doc->deprecated_since.empty()) {
    out.bulk("deprecated_since");
    out.bulk(doc->deprecated_since);
  }
  if (!doc->replaced_by.empty()) {
    out.bulk("replaced_by");
    out.bulk(doc->replaced_by);
  }
  if (doc->history.size() != 0) {
    out.bulk("history");
    out.set_header(doc->history.size());
    for (const auto& entry : doc->history) {
      out.array_header(2);
      out.bulk(entry.version);
      out.bulk(entry.change);
    }
  }
  if (doc->arguments.size() != 0) {
    out.bulk("arguments");
    out.array_header(doc->arguments.size());
    for (const auto& arg : doc->arguments) {
      write_doc_argument(arg, out);
    }
  }
  if (!subs.empty()) {
    out.bulk("subcommands");
    out.map_header(subs.size());
    for (const auto* sub : subs) {
      out.bulk(sub->name);
      write_command_doc(*sub, out);
    }
  }
}

std::vector<const command_spec*> top_level_commands() {
  std::vector<const command_spec*> top;
  for (const auto& spec : all_commands()) {
    if (spec.name.find('|') == std::string_view::npos) {
      top.push_back(&spec);
    }
  }
  return top;
}

// A command by the name COMMAND INFO / DOCS are given: "get", or "client|setname" for a
// subcommand, in any case.
const command_spec* find_by_name(std::string_view name) {
  std::string_view parts[] = {name};
  bool unknown_subcommand = false;
  return find_command(parts, unknown_subcommand);
}

void write_all_command_info(resp::reply_writer& out) {
  auto top = top_level_commands();
  out.array_header(top.size());
  for (const auto* spec : top) {
    write_command_info(*spec, out);
  }
}

void run_command(command_context&, args_view, resp::reply_writer& out) {
  write_all_command_info(out);
}

void run_command_count(command_context&, args_view, resp::reply_writer& out) {
  out.integer(static_cast<std::int64_t>(top_level_commands().size()));
}

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  return lower;
}

bool in_acl_category(const command_spec& spec, std::string_view category) {
  const command_info_data* info = &spec.info;
  return std::any_of(info->acl_categories.begin(), info->acl_categories.end(),
                     [&](std::string_view c) { return c.substr(1) == category; });  // "@string"
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]. Like Redis, it lists
// subcommands too ("client|setname"); the category is named without '@', and both it and the
// pattern are matched ignoring case.
void run_command_list(command_context&, args_view a, resp::reply_writer& out) {
  if (a.size() != 2 && (a.size() != 5 || !equals_ignoring_case(a[2], "filterby"))) {
    out.error(errors::syntax);
    return;
  }
  std::string wanted = a.size() == 5 ? ascii_lower(a[4]) : std::string();
  std::function<bool(const command_spec&)> matches;
  if (a.size() == 2) {
    matches = [](const command_spec&) { return true; };
  } else if (equals_ignoring_case(a[3], "module")) {
    matches = [](const command_spec&) { return false; };  // the proxy loads no modules
  } else if (equals_ignoring_case(a[3], "aclcat")) {
    matches = [&](const command_spec& spec) { return in_acl_category(spec, wanted); };
  } else if (equals_ignoring_case(a[3], "pattern")) {
    matches = [&](const command_spec& spec) { return glob_match(wanted, spec.name); };
  } else {
    out.error(errors::syntax);
    return;
  }
  std::vector<std::string_view> names;
  for (const auto* spec : top_level_commands()) {
    if (matches(*spec)) {
      names.push_back(spec->name);
    }
    for (const auto* sub : subcommands_of(spec->name)) {
      if (matches(*sub)) {
        names.push_back(sub->name);
      }
    }
  }
  out.array_header(names.size());
  for (auto name : names) {
    out.bulk(name);
  }
}

void run_command_info(command_context&, args_view a, resp::reply_writer& out) {
  if (a.size() == 2) {
    write_all_command_info(out);
    return;
  }
  out.array_header(a.size() - 2);
  for (std::size_t i = 2; i < a.size(); ++i) {
    if (const auto* spec = find_by_name(a[i])) {
      write_command_info(*spec, out);
    } else {
      out.null();
    }
  }
}

void run_command_docs(command_context&, args_view a, resp::reply_writer& out) {
  std::vector<const command_spec*> wanted;
  if (a.size() == 2) {
    wanted = top_level_commands();
  } else {
    for (std::size_t i = 2; i < a.size(); ++i) {
      if (const auto* spec = find_by_name(a[i])) {
        wanted.push_back(spec);
      }
    }
  }
  out.map_header(wanted.size());
  for (const auto* spec : wanted) {
    out.bulk(spec->name);
    write_command_doc(*spec, out);
  }
}

// COMMAND GETKEYS and GETKEYSANDFLAGS command [arg ...]: getKeysSubcommandImpl's checks and
// replies (src/server.c).
void write_keys_of(args_view a, bool with_flags, resp::reply_writer& out) {
  const args_view command = a.subspan(2);
  bool unknown_subcommand = false;
  const command_spec* spec = find_command(command, unknown_subcommand);
  if (spec == nullptr || unknown_subcommand) {
    out.error("ERR Invalid command specified");
    return;
  }
  if (spec->info.key_specs.size() == 0) {
    out.error("ERR The command has no key arguments");
    return;
  }
  if (!arity_allows(*spec, command.size())) {
    out.error("ERR Invalid number of arguments specified for command");
    return;
  }
  const auto keys = find_keys(*spec, command);
  if (keys.empty()) {
    out.error("ERR Invalid arguments specified for command");
    return;
  }
  out.array_header(keys.size());
  for (const found_key& key : keys) {
    if (!with_flags) {
      out.bulk(command[key.position]);
      continue;
    }
    out.array_header(2);
    out.bulk(command[key.position]);
    out.set_header(key.flags.size());
    for (std::string_view flag : key.flags) {
      out.simple(flag);
    }
  }
}

void run_command_getkeys(command_context&, args_view a, resp::reply_writer& out) {
  write_keys_of(a, false, out);
}

void run_command_getkeysandflags(command_context&, args_view a, resp::reply_writer& out) {
  write_keys_of(a, true, out);
}

void run_command_help(command_context&, args_view, resp::reply_writer& out) {
  write_help(
      {
          "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
          "(no subcommand)",
          "    Return details about all Redis commands.",
          "COUNT",
          "    Return the total number of commands in this Redis server.",
          "LIST",
          "    Return a list of all commands in this Redis server.",
          "INFO [<command-name> ...]",
          "    Return details about multiple Redis commands.",
          "    If no command names are given, documentation details for all",
          "    commands are returned.",
          "DOCS [<command-name> ...]",
          "    Return documentation details about multiple Redis commands.",
          "    If no command names are given, documentation details for all",
          "    commands are returned.",
          "GETKEYS <full-command>",
          "    Return the keys from a full Redis command.",
          "GETKEYSANDFLAGS <full-command>",
          "    Return the keys and the access flags from a full Redis command.",
          "HELP",
          "    Prints this help.",
      },
      out);
}

}  // namespace introspection_family

}  // namespace atomkv::proxy
