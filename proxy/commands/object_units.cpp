// The units of OBJECT and its subcommands: their facts, COMMAND INFO and COMMAND DOCS data (what
// redis-server 7.0.15 shows for the same commands), and their behaviour, whose handlers are in
// object.cpp.

#include "../command_table.hpp"
#include "object.hpp"

namespace atomkv::proxy {
namespace {

using namespace object_family;

// const, not constexpr: GCC 12 rejects std::initializer_list members in constant expressions.
// Subcommands in the order redis-server 7.0.15's COMMAND lists them.
const command_spec kCommands[] = {
    {.name = "object",
     .arity = -2,
     .flags = flag_container,
     .behaviour = subcommands_only(),
     .info = {.acl_categories = {"@slow"}},
     .doc = {.summary = "A container for object introspection commands",
             .since = "2.2.3",
             .group = "generic",
             .complexity = "Depends on subcommand."}},
    {.name = "object|refcount",
     .arity = 3,
     .flags = flag_readonly,
     .behaviour = planned_by(plan_object_refcount),
     .first_key = 2,
     .last_key = 2,
     .key_step = 1,
     .info = {.flags = {"readonly"},
              .acl_categories = {"@keyspace", "@read", "@slow"},
              .tips = {"nondeterministic_output"},
              .key_specs = {{.flags = {"RO"}, .begin_index = 2, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Get the number of references to the value of the key",
             .since = "2.2.3",
             .group = "generic",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
    {.name = "object|encoding",
     .arity = 3,
     .flags = flag_readonly,
     .behaviour = planned_by(plan_object_encoding),
     .first_key = 2,
     .last_key = 2,
     .key_step = 1,
     .info = {.flags = {"readonly"},
              .acl_categories = {"@keyspace", "@read", "@slow"},
              .tips = {"nondeterministic_output"},
              .key_specs = {{.flags = {"RO"}, .begin_index = 2, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Inspect the internal encoding of a Redis object",
             .since = "2.2.3",
             .group = "generic",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
    {.name = "object|freq",
     .arity = 3,
     .flags = flag_readonly,
     .behaviour = planned_by(plan_object_freq),
     .first_key = 2,
     .last_key = 2,
     .key_step = 1,
     .info = {.flags = {"readonly"},
              .acl_categories = {"@keyspace", "@read", "@slow"},
              .tips = {"nondeterministic_output"},
              .key_specs = {{.flags = {"RO"}, .begin_index = 2, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Get the logarithmic access frequency counter of a Redis object",
             .since = "4.0.0",
             .group = "generic",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
    {.name = "object|help",
     .arity = 2,
     .flags = flag_connection_only,
     .behaviour = local(run_object_help),
     .info = {.flags = {"loading", "stale"}, .acl_categories = {"@keyspace", "@slow"}},
     .doc = {.summary = "Show helpful text about the different subcommands",
             .since = "6.2.0",
             .group = "generic",
             .complexity = "O(1)"}},
    {.name = "object|idletime",
     .arity = 3,
     .flags = flag_readonly,
     .behaviour = planned_by(plan_object_idletime),
     .first_key = 2,
     .last_key = 2,
     .key_step = 1,
     .info = {.flags = {"readonly"},
              .acl_categories = {"@keyspace", "@read", "@slow"},
              .tips = {"nondeterministic_output"},
              .key_specs = {{.flags = {"RO"}, .begin_index = 2, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Get the time since a Redis object was last accessed",
             .since = "2.2.3",
             .group = "generic",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
};

}  // namespace

std::span<const command_spec> object_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
