// The unit of WAIT: its facts, COMMAND INFO and COMMAND DOCS data (what redis-server 7.0.15 shows
// for the same command), and its behaviour, whose handler is in replication.cpp.

#include "../command_table.hpp"
#include "replication.hpp"

namespace atomkv::proxy {
namespace {

using namespace replication_family;

// const, not constexpr: GCC 12 rejects std::initializer_list members in constant expressions.
const command_spec kCommands[] = {
    {.name = "wait",
     .arity = 3,
     .flags = flag_no_database,
     .behaviour = deferred(run_wait, plan_wait_in_exec),
     .info = {.flags = {"noscript"},
              .acl_categories = {"@slow", "@connection"},
              .tips = {"request_policy:all_shards", "response_policy:agg_min"}},
     .doc = {.summary = "Wait for the synchronous replication of all the write commands sent in "
                        "the context of the current connection",
             .since = "3.0.0",
             .group = "generic",
             .complexity = "O(1)",
             .arguments = {{.name = "numreplicas", .type = "integer"},
                           {.name = "timeout", .type = "integer"}}}},
};

}  // namespace

std::span<const command_spec> replication_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
