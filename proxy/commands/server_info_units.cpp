// The units of INFO, FLUSHALL, SWAPDB and TIME: each command's facts, COMMAND INFO and COMMAND DOCS
// data (what redis-server 7.0.15 shows for the same command), and its behaviour, whose handlers are
// in server_info.cpp.

#include "../command_table.hpp"
#include "server_info.hpp"

namespace atomkv::proxy {
namespace {

using namespace server_family;

// const, not constexpr: GCC 12 rejects std::initializer_list members in constant expressions.
const command_spec kCommands[] = {
    {.name = "info",
     .arity = -1,
     .flags = 0,
     .behaviour = deferred(run_info_deferred, plan_info_in_exec),
     .info = {.flags = {"loading", "stale"},
              .acl_categories = {"@slow", "@dangerous"},
              .tips = {"nondeterministic_output", "request_policy:all_shards",
                       "response_policy:special"}},
     .doc =
         {.summary = "Get information and statistics about the server",
          .since = "1.0.0",
          .group = "server",
          .complexity = "O(1)",
          .history = {{"7.0.0", "Added support for taking multiple section arguments."}},
          .arguments = {{.name = "section", .type = "string", .flags = {"optional", "multiple"}}}}},
    {.name = "flushall",
     .arity = -1,
     .flags = flag_write,
     .behaviour = deferred(run_flushall_deferred, plan_flushall_in_exec),
     .info = {.flags = {"write"},
              .acl_categories = {"@keyspace", "@write", "@slow", "@dangerous"},
              .tips = {"request_policy:all_shards", "response_policy:all_succeeded"}},
     .doc =
         {.summary = "Remove all keys from all databases",
          .since = "1.0.0",
          .group = "server",
          .complexity = "O(N) where N is the total number of keys in all databases",
          .history = {{"4.0.0", "Added the `ASYNC` flushing mode modifier."},
                      {"6.2.0", "Added the `SYNC` flushing mode modifier."}},
          .arguments =
              {{.name = "async",
                .type = "oneof",
                .flags = {"optional"},
                .arguments =
                    {{.name = "async", .type = "pure-token", .token = "ASYNC", .since = "4.0.0"},
                     {.name = "sync", .type = "pure-token", .token = "SYNC", .since = "6.2.0"}}}}}},
    {.name = "swapdb",
     .arity = 3,
     .flags = flag_write | flag_fast | flag_runs_after_batch,
     .behaviour = deferred(run_swapdb_deferred, plan_swapdb_in_exec),
     .info = {.flags = {"write", "fast"},
              .acl_categories = {"@keyspace", "@write", "@fast", "@dangerous"}},
     .doc = {.summary = "Swaps two Redis databases",
             .since = "4.0.0",
             .group = "server",
             .complexity = "O(N) where N is the count of clients watching or blocking on keys from "
                           "both databases.",
             .arguments = {{.name = "index1", .type = "integer"},
                           {.name = "index2", .type = "integer"}}}},
    {.name = "time",
     .arity = 1,
     .flags = flag_fast,
     .behaviour = local(run_time),
     .info = {.flags = {"loading", "stale", "fast"},
              .acl_categories = {"@fast"},
              .tips = {"nondeterministic_output"}},
     .doc = {.summary = "Return the current server time",
             .since = "2.6.0",
             .group = "server",
             .complexity = "O(1)"}},
};

}  // namespace

std::span<const command_spec> server_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
