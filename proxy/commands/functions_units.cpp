// The units of FUNCTION and the subcommands the proxy has: each command's facts, COMMAND INFO and
// COMMAND DOCS data (what redis-server 7.0.15 shows for the same command), and its behaviour,
// whose handlers are in functions.cpp.

#include "../command_table.hpp"
#include "functions.hpp"

namespace atomkv::proxy {
namespace {

using namespace functions_family;

// const, not constexpr: GCC 12 rejects std::initializer_list members in constant expressions.
const command_spec kCommands[] = {
    {.name = "function",
     .arity = -2,
     .flags = flag_container,
     .behaviour = subcommands_only(),
     .info = {.acl_categories = {"@slow"}},
     .doc = {.summary = "A container for function commands",
             .since = "7.0.0",
             .group = "scripting",
             .complexity = "Depends on subcommand."}},
    {.name = "function|flush",
     .arity = -2,
     .flags = flag_write,
     .behaviour = local(run_function_flush),
     .info = {.flags = {"write", "noscript"},
              .acl_categories = {"@write", "@slow", "@scripting"},
              .tips = {"request_policy:all_shards", "response_policy:all_succeeded"}},
     .doc =
         {.summary = "Deleting all functions",
          .since = "7.0.0",
          .group = "scripting",
          .complexity = "O(N) where N is the number of functions deleted",
          .arguments = {{.name = "async",
                         .type = "oneof",
                         .flags = {"optional"},
                         .arguments = {{.name = "async", .type = "pure-token", .token = "ASYNC"},
                                       {.name = "sync", .type = "pure-token", .token = "SYNC"}}}}}},
    {.name = "function|list",
     .arity = -2,
     .flags = 0,
     .behaviour = local(run_function_list),
     .info = {.flags = {"noscript"},
              .acl_categories = {"@slow", "@scripting"},
              .tips = {"nondeterministic_output_order"}},
     .doc = {.summary = "List information about all the functions",
             .since = "7.0.0",
             .group = "scripting",
             .complexity = "O(N) where N is the number of functions",
             .arguments = {{.name = "library-name-pattern",
                            .type = "string",
                            .token = "LIBRARYNAME",
                            .flags = {"optional"}},
                           {.name = "withcode",
                            .type = "pure-token",
                            .token = "WITHCODE",
                            .flags = {"optional"}}}}},
    {.name = "function|help",
     .arity = 2,
     .flags = 0,
     .behaviour = local(run_function_help),
     .info = {.flags = {"loading", "stale"}, .acl_categories = {"@slow", "@scripting"}},
     .doc = {.summary = "Show helpful text about the different subcommands",
             .since = "7.0.0",
             .group = "scripting",
             .complexity = "O(1)"}},
};

}  // namespace

std::span<const command_spec> function_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
