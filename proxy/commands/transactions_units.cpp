// The units of MULTI, EXEC, DISCARD, WATCH and UNWATCH: each command's facts, COMMAND INFO and
// COMMAND DOCS data (what redis-server 7.0.15 shows for the same command), and its behaviour, whose
// handlers are in transactions.cpp.

#include "../command_table.hpp"
#include "transactions.hpp"

namespace atomkv::proxy {
namespace {

using namespace transactions_family;

constexpr std::uint32_t kTxn = flag_fast | flag_no_queue;

// const, not constexpr: GCC 12 rejects std::initializer_list members in constant expressions.
const command_spec kCommands[] = {
    {.name = "multi",
     .arity = 1,
     .flags = kTxn | flag_connection_only,
     .behaviour = local(run_multi),
     .info = {.flags = {"noscript", "loading", "stale", "fast", "allow_busy"},
              .acl_categories = {"@fast", "@transaction"}},
     .doc = {.summary = "Mark the start of a transaction block",
             .since = "1.2.0",
             .group = "transactions",
             .complexity = "O(1)"}},
    {.name = "exec",
     .arity = 1,
     .flags = flag_no_queue | flag_leaves_multi | flag_runs_transaction,
     .behaviour = deferred(run_exec),
     .info = {.flags = {"noscript", "loading", "stale", "skip_slowlog"},
              .acl_categories = {"@slow", "@transaction"}},
     .doc = {.summary = "Execute all commands issued after MULTI",
             .since = "1.2.0",
             .group = "transactions",
             .complexity = "Depends on commands in the transaction"}},
    {.name = "discard",
     .arity = 1,
     .flags = kTxn | flag_leaves_multi,
     .behaviour = local(run_discard),
     .info = {.flags = {"noscript", "loading", "stale", "fast", "allow_busy"},
              .acl_categories = {"@fast", "@transaction"}},
     .doc = {.summary = "Discard all commands issued after MULTI",
             .since = "2.0.0",
             .group = "transactions",
             .complexity = "O(N), when N is the number of queued commands"}},
    {.name = "watch",
     .arity = -2,
     .flags = kTxn,
     .behaviour = deferred(run_watch),
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .info = {.flags = {"noscript", "loading", "stale", "fast", "allow_busy"},
              .acl_categories = {"@fast", "@transaction"},
              .key_specs = {{.flags = {"RO"}, .begin_index = 1, .last_key = -1, .key_step = 1}}},
     .doc = {.summary = "Watch the given keys to determine execution of the MULTI/EXEC block",
             .since = "2.2.0",
             .group = "transactions",
             .complexity = "O(1) for every key.",
             .arguments =
                 {{.name = "key", .type = "key", .key_spec_index = 0, .flags = {"multiple"}}}}},
    {.name = "unwatch",
     .arity = 1,
     .flags = flag_fast,
     .behaviour = local(run_unwatch, run_unwatch_in_exec),
     .info = {.flags = {"noscript", "loading", "stale", "fast", "allow_busy"},
              .acl_categories = {"@fast", "@transaction"}},
     .doc = {.summary = "Forget about all watched keys",
             .since = "2.2.0",
             .group = "transactions",
             .complexity = "O(1)"}},
};

}  // namespace

std::span<const command_spec> transaction_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
