// The units of DEL, EXISTS, KEYS, SCAN, RENAME, COPY and the other key commands: each command's
// facts, COMMAND INFO and COMMAND DOCS data (what redis-server 7.0.15 shows for the same command),
// and its behaviour, whose handlers are in keys.cpp.

#include "../command_table.hpp"
#include "keys.hpp"

namespace atomkv::proxy {
namespace {

using namespace keys_family;

constexpr std::uint32_t kReadFast = flag_readonly | flag_fast;

// EXISTS and TOUCH: the same COMMAND INFO in redis-server 7.0.15, a fast read of every key named.
const command_info_data kReadsEachKeyInfo = {
    .flags = {"readonly", "fast"},
    .acl_categories = {"@keyspace", "@read", "@fast"},
    .tips = {"request_policy:multi_shard", "response_policy:agg_sum"},
    .key_specs = {{.flags = {"RO"}, .begin_index = 1, .last_key = -1, .key_step = 1}}};

// const, not constexpr: GCC 12 rejects std::initializer_list members in constant expressions.
const command_spec kCommands[] = {
    {.name = "del",
     .arity = -2,
     .flags = flag_write,
     .behaviour = planned_by(plan_del),
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .info = {.flags = {"write"},
              .acl_categories = {"@keyspace", "@write", "@slow"},
              .tips = {"request_policy:multi_shard", "response_policy:agg_sum"},
              .key_specs =
                  {{.flags = {"RM", "delete"}, .begin_index = 1, .last_key = -1, .key_step = 1}}},
     .doc = {.summary = "Delete a key",
             .since = "1.0.0",
             .group = "generic",
             .complexity = "O(N) where N is the number of keys that will be removed. When a key to "
                           "remove holds a "
                           "value other than a string, the individual complexity for this key is "
                           "O(M) where M is "
                           "the number of elements in the list, set, sorted set or hash. Removing "
                           "a single key that "
                           "holds a string value is O(1).",
             .arguments =
                 {{.name = "key", .type = "key", .key_spec_index = 0, .flags = {"multiple"}}}}},
    {.name = "unlink",
     .arity = -2,
     .flags = flag_write | flag_fast,
     .behaviour = planned_by(plan_del),
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .info = {.flags = {"write", "fast"},
              .acl_categories = {"@keyspace", "@write", "@fast"},
              .tips = {"request_policy:multi_shard", "response_policy:agg_sum"},
              .key_specs =
                  {{.flags = {"RM", "delete"}, .begin_index = 1, .last_key = -1, .key_step = 1}}},
     .doc = {.summary =
                 "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but "
                 "non blocking.",
             .since = "4.0.0",
             .group = "generic",
             .complexity = "O(1) for each key removed regardless of its size. Then the command "
                           "does O(N) work in a "
                           "different thread in order to reclaim memory, where N is the number of "
                           "allocations the "
                           "deleted objects where composed of.",
             .arguments =
                 {{.name = "key", .type = "key", .key_spec_index = 0, .flags = {"multiple"}}}}},
    {.name = "exists",
     .arity = -2,
     .flags = kReadFast,
     .behaviour = planned_by(plan_exists),
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .info = kReadsEachKeyInfo,
     .doc = {.summary = "Determine if a key exists",
             .since = "1.0.0",
             .group = "generic",
             .complexity = "O(N) where N is the number of keys to check.",
             .history = {{"3.0.3", "Accepts multiple `key` arguments."}},
             .arguments =
                 {{.name = "key", .type = "key", .key_spec_index = 0, .flags = {"multiple"}}}}},
    {.name = "type",
     .arity = 2,
     .flags = kReadFast,
     .behaviour = planned_by(plan_type),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"readonly", "fast"},
              .acl_categories = {"@keyspace", "@read", "@fast"},
              .key_specs = {{.flags = {"RO"}, .begin_index = 1, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Determine the type stored at key",
             .since = "1.0.0",
             .group = "generic",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
    {.name = "keys",
     .arity = 2,
     .flags = flag_readonly,
     .behaviour = planned_by(plan_keys),
     .info = {.flags = {"readonly"},
              .acl_categories = {"@keyspace", "@read", "@slow", "@dangerous"},
              .tips = {"request_policy:all_shards", "nondeterministic_output_order"}},
     .doc = {.summary = "Find all keys matching the given pattern",
             .since = "1.0.0",
             .group = "generic",
             .complexity = "O(N) with N being the number of keys in the database, under the "
                           "assumption that the key "
                           "names in the database and the given pattern have limited length.",
             .arguments = {{.name = "pattern", .type = "pattern"}}}},
    {.name = "scan",
     .arity = -2,
     .flags = flag_readonly,
     .behaviour = planned_by(plan_scan),
     .info = {.flags = {"readonly"},
              .acl_categories = {"@keyspace", "@read", "@slow"},
              .tips = {"nondeterministic_output", "request_policy:special"}},
     .doc =
         {.summary = "Incrementally iterate the keys space",
          .since = "2.8.0",
          .group = "generic",
          .complexity =
              "O(1) for every call. O(N) for a complete iteration, including enough command calls "
              "for "
              "the cursor to return back to 0. N is the number of elements inside the collection.",
          .history = {{"6.0.0", "Added the `TYPE` subcommand."}},
          .arguments =
              {{.name = "cursor", .type = "integer"},
               {.name = "pattern", .type = "pattern", .token = "MATCH", .flags = {"optional"}},
               {.name = "count", .type = "integer", .token = "COUNT", .flags = {"optional"}},
               {.name = "type",
                .type = "string",
                .token = "TYPE",
                .since = "6.0.0",
                .flags = {"optional"}}}}},
    {.name = "dbsize",
     .arity = 1,
     .flags = kReadFast,
     .behaviour = planned_by(plan_dbsize),
     .info = {.flags = {"readonly", "fast"},
              .acl_categories = {"@keyspace", "@read", "@fast"},
              .tips = {"request_policy:all_shards", "response_policy:agg_sum"}},
     .doc = {.summary = "Return the number of keys in the selected database",
             .since = "1.0.0",
             .group = "server",
             .complexity = "O(1)"}},
    {.name = "flushdb",
     .arity = -1,
     .flags = flag_write,
     .behaviour = planned_by(plan_flushdb),
     .info = {.flags = {"write"},
              .acl_categories = {"@keyspace", "@write", "@slow", "@dangerous"},
              .tips = {"request_policy:all_shards", "response_policy:all_succeeded"}},
     .doc =
         {.summary = "Remove all keys from the current database",
          .since = "1.0.0",
          .group = "server",
          .complexity = "O(N) where N is the number of keys in the selected database",
          .history = {{"4.0.0", "Added the `ASYNC` flushing mode modifier."},
                      {"6.2.0", "Added the `SYNC` flushing mode modifier."}},
          .arguments =
              {{.name = "async",
                .type = "oneof",
                .flags = {"optional"},
                .arguments =
                    {{.name = "async", .type = "pure-token", .token = "ASYNC", .since = "4.0.0"},
                     {.name = "sync", .type = "pure-token", .token = "SYNC", .since = "6.2.0"}}}}}},
    {.name = "rename",
     .arity = 3,
     .flags = flag_write,
     .behaviour = planned_by(plan_rename),
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .info = {.flags = {"write"},
              .acl_categories = {"@keyspace", "@write", "@slow"},
              .key_specs =
                  {{.flags = {"RW", "access", "delete"},
                    .begin_index = 1,
                    .last_key = 0,
                    .key_step = 1},
                   {.flags = {"OW", "update"}, .begin_index = 2, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Rename a key",
             .since = "1.0.0",
             .group = "generic",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                           {.name = "newkey", .type = "key", .key_spec_index = 1}}}},
    {.name = "renamenx",
     .arity = 3,
     .flags = flag_write | flag_fast,
     .behaviour = planned_by(plan_renamenx),
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .info = {.flags = {"write", "fast"},
              .acl_categories = {"@keyspace", "@write", "@fast"},
              .key_specs =
                  {{.flags = {"RW", "access", "delete"},
                    .begin_index = 1,
                    .last_key = 0,
                    .key_step = 1},
                   {.flags = {"OW", "insert"}, .begin_index = 2, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Rename a key, only if the new key does not exist",
             .since = "1.0.0",
             .group = "generic",
             .complexity = "O(1)",
             .history = {{"3.2.0",
                          "The command no longer returns an error when source and destination "
                          "names are the same."}},
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                           {.name = "newkey", .type = "key", .key_spec_index = 1}}}},
    {.name = "copy",
     .arity = -3,
     .flags = flag_write | flag_denyoom,
     .behaviour = planned_by(plan_copy),
     .first_key = 1,
     .last_key = 2,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom"},
              .acl_categories = {"@keyspace", "@write", "@slow"},
              .key_specs =
                  {{.flags = {"RO", "access"}, .begin_index = 1, .last_key = 0, .key_step = 1},
                   {.flags = {"OW", "update"}, .begin_index = 2, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Copy a key",
             .since = "6.2.0",
             .group = "generic",
             .complexity =
                 "O(N) worst case for collections, where N is the number of nested items. "
                 "O(1) for string values.",
             .arguments = {{.name = "source", .type = "key", .key_spec_index = 0},
                           {.name = "destination", .type = "key", .key_spec_index = 1},
                           {.name = "destination-db",
                            .type = "integer",
                            .token = "DB",
                            .flags = {"optional"}},
                           {.name = "replace",
                            .type = "pure-token",
                            .token = "REPLACE",
                            .flags = {"optional"}}}}},
    {.name = "touch",
     .arity = -2,
     .flags = kReadFast,
     .behaviour = planned_by(plan_touch),
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .info = kReadsEachKeyInfo,
     .doc = {.summary = "Alters the last access time of a key(s). Returns the number of existing "
                        "keys specified.",
             .since = "3.2.1",
             .group = "generic",
             .complexity = "O(N) where N is the number of keys that will be touched.",
             .arguments =
                 {{.name = "key", .type = "key", .key_spec_index = 0, .flags = {"multiple"}}}}},
    {.name = "move",
     .arity = 3,
     .flags = flag_write | flag_fast,
     .behaviour = planned_by(plan_move),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "fast"},
              .acl_categories = {"@keyspace", "@write", "@fast"},
              .key_specs = {{.flags = {"RW", "access", "update"},
                             .begin_index = 1,
                             .last_key = 0,
                             .key_step = 1}}},
     .doc = {.summary = "Move a key to another database",
             .since = "1.0.0",
             .group = "generic",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                           {.name = "db", .type = "integer"}}}},
    {.name = "randomkey",
     .arity = 1,
     .flags = flag_readonly,
     .behaviour = planned_by(plan_randomkey),
     .info = {.flags = {"readonly"},
              .acl_categories = {"@keyspace", "@read", "@slow"},
              .tips = {"request_policy:all_shards", "nondeterministic_output"}},
     .doc = {.summary = "Return a random key from the keyspace",
             .since = "1.0.0",
             .group = "generic",
             .complexity = "O(1)"}},
};

}  // namespace

std::span<const command_spec> key_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
