// Keyspace commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, DBSIZE, FLUSHDB.

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>

#include "../client.hpp"
#include "../command_table.hpp"
#include "../dispatch.hpp"
#include "../redis_errors.hpp"
#include "../server.hpp"
#include "parse.hpp"

namespace atomkv::proxy {
namespace {

using maybe_error = std::optional<std::string>;

maybe_error plan_del(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::sum;
  for (std::size_t i = 1; i < a.size(); ++i) {
    p.add(operation::remove(a[i]));
  }
  return {};
}

maybe_error plan_exists(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::sum;  // a repeated key counts again, as in Redis
  for (std::size_t i = 1; i < a.size(); ++i) {
    p.add(operation::exists(a[i]));
  }
  return {};
}

maybe_error plan_type(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::type;  // the backend's answer: on Redis, a list is a list
  p.add(operation::type(a[1]));
  return {};
}

maybe_error plan_dbsize(args_view, plan_builder& p) {
  p.add(operation::count());
  return {};
}

// FLUSHDB [ASYNC | SYNC]: both mean the same here, the keys are gone when the reply is sent.
maybe_error plan_flushdb(args_view a, plan_builder& p) {
  if (a.size() > 2 || (a.size() == 2 && !equals_ignoring_case(a[1], "async") &&
                       !equals_ignoring_case(a[1], "sync"))) {
    return std::string(errors::syntax);
  }
  p.target.shape = reply_shape::ok;
  p.add(operation::clear());
  return {};
}

// Redis's parseScanCursorOrReply: strtoul in base 10 on the argument as a C string (so it ends
// at a NUL byte), refused if it starts with a space, leaves characters unread or overflows. So
// "-1" is 18446744073709551615, "+1" is 1 and "" is 0, while " 1" and "1 " are invalid.
bool parse_cursor(std::string_view text, unsigned long long& cursor) {
  std::string copy(text.substr(0, text.find('\0')));
  if (!copy.empty() && std::isspace(static_cast<unsigned char>(copy.front()))) {
    return false;
  }
  errno = 0;
  char* end = nullptr;
  cursor = std::strtoull(copy.c_str(), &end, 10);
  return errno != ERANGE && *end == '\0';
}

// SCAN's arguments.
struct listing {
  std::string pattern;
  bool match_all = true;
  std::optional<std::string_view> type_name;  // SCAN ... TYPE, filtered by the backend
  unsigned long long cursor = 0;
  std::size_t count_hint = 10;
  std::string cursor_text;

  void set_pattern(std::string_view p) {
    pattern.assign(p);
    match_all = p == "*";  // "" is not: Redis's empty pattern matches only the empty key
  }
};

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]; the error line when malformed.
std::optional<std::string> parse_scan(args_view a, listing& l) {
  if (!parse_cursor(a[1], l.cursor)) {
    return std::string(errors::invalid_cursor);
  }
  l.cursor_text = std::to_string(l.cursor);
  for (std::size_t i = 2; i < a.size(); i += 2) {
    bool has_value = a.size() - i >= 2;
    if (equals_ignoring_case(a[i], "count") && has_value) {
      auto count = parse_integer(a[i + 1]);
      if (!count) {
        return std::string(errors::not_integer);
      }
      if (*count < 1) {
        return std::string(errors::syntax);
      }
      l.count_hint = static_cast<std::size_t>(*count);
    } else if (equals_ignoring_case(a[i], "match") && has_value) {
      l.set_pattern(a[i + 1]);
    } else if (equals_ignoring_case(a[i], "type") && has_value) {
      l.type_name = a[i + 1];
    } else {
      return std::string(errors::syntax);
    }
  }
  return {};
}

// KEYS and SCAN are one listing operation, alone or in EXEC's batch (where it sees the queued
// commands before it): KEYS lists one state of the database on every backend (native KEYS on
// Redis), and SCAN pipelines like any other data command.
maybe_error plan_keys(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::keys;
  p.add(operation::list(a[1]));
  return {};
}

maybe_error plan_scan(args_view a, plan_builder& p) {
  listing l;
  if (auto problem = parse_scan(a, l)) {
    return problem;
  }
  p.target.shape = reply_shape::scan;
  std::string_view pattern = l.match_all ? std::string_view("*") : p.keep(std::move(l.pattern));
  std::string_view cursor = l.cursor == 0 ? std::string_view() : p.keep(l.cursor_text);
  p.add(operation::list(pattern, cursor, static_cast<std::int64_t>(l.count_hint), l.type_name));
  return {};
}

constexpr std::uint32_t kReadFast = flag_readonly | flag_fast;

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
     .info = {.flags = {"readonly", "fast"},
              .acl_categories = {"@keyspace", "@read", "@fast"},
              .tips = {"request_policy:multi_shard", "response_policy:agg_sum"},
              .key_specs = {{.flags = {"RO"}, .begin_index = 1, .last_key = -1, .key_step = 1}}},
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
};

}  // namespace

std::span<const command_spec> key_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
