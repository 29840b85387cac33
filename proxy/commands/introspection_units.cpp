// The units of COMMAND and its subcommands: each command's facts, COMMAND INFO and COMMAND DOCS
// data (what redis-server 7.0.15 shows for the same command), and its behaviour, whose handlers are
// in introspection.cpp.

#include "../command_table.hpp"
#include "introspection.hpp"

namespace atomkv::proxy {
namespace {

using namespace introspection_family;

// const, not constexpr: GCC 12 rejects std::initializer_list members in constant expressions.
const command_spec kCommands[] = {
    {.name = "command",
     .arity = -1,
     .flags = flag_container | flag_connection_only,
     .behaviour = local(run_command),
     .info = {.flags = {"loading", "stale"},
              .acl_categories = {"@slow", "@connection"},
              .tips = {"nondeterministic_output_order"}},
     .doc = {.summary = "Get array of Redis command details",
             .since = "2.8.13",
             .group = "server",
             .complexity = "O(N) where N is the total number of Redis commands"}},
    {.name = "command|count",
     .arity = 2,
     .flags = flag_connection_only,
     .behaviour = local(run_command_count),
     .info = {.flags = {"loading", "stale"}, .acl_categories = {"@slow", "@connection"}},
     .doc = {.summary = "Get total number of Redis commands",
             .since = "2.8.13",
             .group = "server",
             .complexity = "O(1)"}},
    {.name = "command|list",
     .arity = -2,
     .flags = flag_connection_only,
     .behaviour = local(run_command_list),
     .info = {.flags = {"loading", "stale"},
              .acl_categories = {"@slow", "@connection"},
              .tips = {"nondeterministic_output_order"}},
     .doc = {.summary = "Get an array of Redis command names",
             .since = "7.0.0",
             .group = "server",
             .complexity = "O(N) where N is the total number of Redis commands",
             .arguments =
                 {{.name = "filterby",
                   .type = "oneof",
                   .token = "FILTERBY",
                   .flags = {"optional"},
                   .arguments = {{.name = "module-name", .type = "string", .token = "MODULE"},
                                 {.name = "category", .type = "string", .token = "ACLCAT"},
                                 {.name = "pattern", .type = "pattern", .token = "PATTERN"}}}}}},
    {.name = "command|info",
     .arity = -2,
     .flags = flag_connection_only,
     .behaviour = local(run_command_info),
     .info = {.flags = {"loading", "stale"},
              .acl_categories = {"@slow", "@connection"},
              .tips = {"nondeterministic_output_order"}},
     .doc = {.summary =
                 "Get array of specific Redis command details, or all when no argument is given.",
             .since = "2.8.13",
             .group = "server",
             .complexity = "O(N) where N is the number of commands to look up",
             .history = {{"7.0.0",
                          "Allowed to be called with no argument to get info on all commands."}},
             .arguments =
                 {{.name = "command-name", .type = "string", .flags = {"optional", "multiple"}}}}},
    {.name = "command|docs",
     .arity = -2,
     .flags = flag_connection_only,
     .behaviour = local(run_command_docs),
     .info = {.flags = {"loading", "stale"},
              .acl_categories = {"@slow", "@connection"},
              .tips = {"nondeterministic_output_order"}},
     .doc = {.summary = "Get array of specific Redis command documentation",
             .since = "7.0.0",
             .group = "server",
             .complexity = "O(N) where N is the number of commands to look up",
             .arguments =
                 {{.name = "command-name", .type = "string", .flags = {"optional", "multiple"}}}}},
    {.name = "command|getkeys",
     .arity = -4,
     .flags = flag_connection_only,
     .behaviour = local(run_command_getkeys),
     .info = {.flags = {"loading", "stale"}, .acl_categories = {"@slow", "@connection"}},
     .doc = {.summary = "Extract keys given a full Redis command",
             .since = "2.8.13",
             .group = "server",
             .complexity = "O(N) where N is the number of arguments to the command"}},
    {.name = "command|getkeysandflags",
     .arity = -4,
     .flags = flag_connection_only,
     .behaviour = local(run_command_getkeysandflags),
     .info = {.flags = {"loading", "stale"}, .acl_categories = {"@slow", "@connection"}},
     .doc = {.summary = "Extract keys and access flags given a full Redis command",
             .since = "7.0.0",
             .group = "server",
             .complexity = "O(N) where N is the number of arguments to the command"}},
    {.name = "command|help",
     .arity = 2,
     .flags = flag_connection_only,
     .behaviour = local(run_command_help),
     .info = {.flags = {"loading", "stale"}, .acl_categories = {"@slow", "@connection"}},
     .doc = {.summary = "Show helpful text about the different subcommands",
             .since = "5.0.0",
             .group = "server",
             .complexity = "O(1)"}},
};

}  // namespace

std::span<const command_spec> introspection_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
