// The units of CONFIG and its subcommands: each command's facts, COMMAND INFO and COMMAND DOCS data
// (what redis-server 7.0.15 shows for the same command), and its behaviour, whose handlers are in
// config.cpp.

#include "../command_table.hpp"
#include "config.hpp"

namespace atomkv::proxy {
namespace {

using namespace config_family;

// const, not constexpr: GCC 12 rejects std::initializer_list members in constant expressions.
const command_spec kCommands[] = {
    {.name = "config",
     .arity = -2,
     .flags = flag_container,
     .behaviour = subcommands_only(),
     .info = {.acl_categories = {"@slow"}},
     .doc = {.summary = "A container for server configuration commands",
             .since = "2.0.0",
             .group = "server",
             .complexity = "Depends on subcommand."}},
    {.name = "config|get",
     .arity = -3,
     .flags = flag_admin | flag_connection_only,
     .behaviour = local(run_config_get),
     .info = {.flags = {"admin", "noscript", "loading", "stale"},
              .acl_categories = {"@admin", "@slow", "@dangerous"}},
     .doc = {.summary = "Get the values of configuration parameters",
             .since = "2.0.0",
             .group = "server",
             .complexity = "O(N) when N is the number of configuration parameters provided",
             .history = {{"7.0.0",
                          "Added the ability to pass multiple pattern parameters in one call"}},
             .arguments = {{.name = "parameter",
                            .type = "block",
                            .flags = {"multiple"},
                            .arguments = {{.name = "parameter", .type = "string"}}}}}},
    {.name = "config|set",
     .arity = -4,
     .flags = flag_admin | flag_connection_only,
     .behaviour = local(run_config_set),
     .info = {.flags = {"admin", "noscript", "loading", "stale"},
              .acl_categories = {"@admin", "@slow", "@dangerous"},
              .tips = {"request_policy:all_nodes", "response_policy:all_succeeded"}},
     .doc = {.summary = "Set configuration parameters to the given values",
             .since = "2.0.0",
             .group = "server",
             .complexity = "O(N) when N is the number of configuration parameters provided",
             .history = {{"7.0.0", "Added the ability to set multiple parameters in one call."}},
             .arguments = {{.name = "parameter_value",
                            .type = "block",
                            .flags = {"multiple"},
                            .arguments = {{.name = "parameter", .type = "string"},
                                          {.name = "value", .type = "string"}}}}}},
    {.name = "config|help",
     .arity = 2,
     .flags = flag_connection_only,
     .behaviour = local(run_config_help),
     .info = {.flags = {"loading", "stale"}, .acl_categories = {"@slow"}},
     .doc = {.summary = "Show helpful text about the different subcommands",
             .since = "5.0.0",
             .group = "server",
             .complexity = "O(1)"}},
};

}  // namespace

std::span<const command_spec> config_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
