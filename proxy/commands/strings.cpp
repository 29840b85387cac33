// String and counter commands: GET, SET and its relatives (SETEX, PSETEX, GETEX), MGET/MSET/MSETNX,
// STRLEN, INCR...

#include <limits>

#include "../command_table.hpp"
#include "../redis_errors.hpp"
#include "expiry_args.hpp"
#include "parse.hpp"

namespace atomkv::proxy {
namespace {

using cond = operation::condition;
using maybe_error = std::optional<std::string>;

maybe_error plan_get(args_view a, plan_builder& p) {
  p.add(operation::get(a[1]));
  return {};
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT t | PXAT t | KEEPTTL], parsed as Redis 7.0
// parses it: the options first, then the time, then the key.
maybe_error plan_set(args_view a, plan_builder& p) {
  string_options o;
  if (!parse_string_options(a, 3, true, o)) {
    return std::string(errors::syntax);
  }
  expiry deadline = o.keepttl ? expiry::keep() : expiry::never();
  if (o.unit != expiry_unit::none) {
    expiry_problem problem{};
    auto given = string_expiry(o.unit, o.time, problem);
    if (!given) {
      return problem == expiry_problem::not_integer ? std::string(errors::not_integer)
                                                    : errors::invalid_expire_time("set");
    }
    deadline = *given;
  }
  p.add(operation::set(a[1], a[2],
                       o.nx   ? cond::if_missing
                       : o.xx ? cond::if_present
                              : cond::always,
                       o.get, deadline));
  return {};
}

// SETEX key seconds value, PSETEX key milliseconds value: SET with EX or PX.
maybe_error plan_set_expiring(args_view a, plan_builder& p, expiry_unit unit,
                              std::string_view name) {
  expiry_problem problem{};
  auto deadline = string_expiry(unit, a[2], problem);
  if (!deadline) {
    return problem == expiry_problem::not_integer ? std::string(errors::not_integer)
                                                  : errors::invalid_expire_time(name);
  }
  p.add(operation::set(a[1], a[3], cond::always, false, *deadline));
  return {};
}

maybe_error plan_setex(args_view a, plan_builder& p) {
  return plan_set_expiring(a, p, expiry_unit::ex, "setex");
}

maybe_error plan_psetex(args_view a, plan_builder& p) {
  return plan_set_expiring(a, p, expiry_unit::px, "psetex");
}

// GETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST]. Redis reads the options, then looks the
// key up (a missing key answers nil whatever the time), then reads the time.
maybe_error plan_getex(args_view a, plan_builder& p) {
  string_options o;
  if (!parse_string_options(a, 2, false, o)) {
    return std::string(errors::syntax);
  }
  expiry deadline = o.persist ? expiry::never() : expiry::keep();
  if (o.unit != expiry_unit::none) {
    expiry_problem problem{};
    auto given = string_expiry(o.unit, o.time, problem);
    if (!given) {
      p.target.shape = reply_shape::nil_or_error;
      p.target.error = problem == expiry_problem::not_integer ? errors::not_integer
                                                              : errors::getex_invalid_expire_time;
      p.add(operation::get(a[1]));
      return {};
    }
    deadline = *given;
  }
  p.add(operation::get_and_expire(a[1], deadline));
  return {};
}

maybe_error plan_setnx(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::flag;
  p.add(operation::set(a[1], a[2], cond::if_missing));
  return {};
}

maybe_error plan_getset(args_view a, plan_builder& p) {
  p.add(operation::set(a[1], a[2], cond::always, true));
  return {};
}

maybe_error plan_getdel(args_view a, plan_builder& p) {
  p.add(operation::take(a[1]));
  return {};
}

maybe_error plan_mget(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::values;
  for (std::size_t i = 1; i < a.size(); ++i) {
    p.add(operation::get(a[i]));
  }
  return {};
}

maybe_error plan_mset(args_view a, plan_builder& p) {
  if (a.size() % 2 == 0) {
    return errors::wrong_arity("mset");
  }
  p.target.shape = reply_shape::ok;
  for (std::size_t i = 1; i + 1 < a.size(); i += 2) {
    p.add(operation::set(a[i], a[i + 1]));
  }
  return {};
}

maybe_error plan_msetnx(args_view a, plan_builder& p) {
  if (a.size() % 2 == 0) {
    return errors::wrong_arity("msetnx");
  }
  p.add(operation::set_if_none_exist(a.subspan(1)));
  return {};
}

maybe_error plan_strlen(args_view a, plan_builder& p) {
  p.add(operation::length(a[1]));
  return {};
}

maybe_error plan_incr(args_view a, plan_builder& p) {
  p.add(operation::increment(a[1], 1));
  return {};
}

maybe_error plan_decr(args_view a, plan_builder& p) {
  p.add(operation::increment(a[1], -1));
  return {};
}

maybe_error plan_incrby(args_view a, plan_builder& p) {
  auto delta = parse_integer(a[2]);
  if (!delta) {
    return std::string(errors::not_integer);
  }
  p.add(operation::increment(a[1], *delta));
  return {};
}

maybe_error plan_decrby(args_view a, plan_builder& p) {
  auto delta = parse_integer(a[2]);
  if (!delta) {
    return std::string(errors::not_integer);
  }
  if (*delta == std::numeric_limits<std::int64_t>::min()) {
    return std::string(errors::decrement_overflow);  // -delta does not exist
  }
  p.add(operation::increment(a[1], -*delta));
  return {};
}

constexpr std::uint32_t kReadFast = flag_readonly | flag_fast;
constexpr std::uint32_t kWriteFast = flag_write | flag_fast;

const command_spec kCommands[] = {
    {.name = "get",
     .arity = 2,
     .flags = kReadFast,
     .behaviour = planned_by(plan_get),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"readonly", "fast"},
              .acl_categories = {"@read", "@string", "@fast"},
              .key_specs =
                  {{.flags = {"RO", "access"}, .begin_index = 1, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Get the value of a key",
             .since = "1.0.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
    {.name = "set",
     .arity = -3,
     .flags = flag_write,
     .behaviour = planned_by(plan_set),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom"},
              .acl_categories = {"@write", "@string", "@slow"},
              .key_specs = {{.notes = "RW and ACCESS due to the optional `GET` argument",
                             .flags = {"RW", "access", "update", "variable_flags"},
                             .begin_index = 1,
                             .last_key = 0,
                             .key_step = 1}}},
     .doc =
         {.summary = "Set the string value of a key",
          .since = "1.0.0",
          .group = "string",
          .complexity = "O(1)",
          .history = {{"2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."},
                      {"6.0.0", "Added the `KEEPTTL` option."},
                      {"6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."},
                      {"7.0.0", "Allowed the `NX` and `GET` options to be used together."}},
          .arguments =
              {{.name = "key", .type = "key", .key_spec_index = 0},
               {.name = "value", .type = "string"},
               {.name = "condition",
                .type = "oneof",
                .since = "2.6.12",
                .flags = {"optional"},
                .arguments = {{.name = "nx", .type = "pure-token", .token = "NX"},
                              {.name = "xx", .type = "pure-token", .token = "XX"}}},
               {.name = "get",
                .type = "pure-token",
                .token = "GET",
                .since = "6.2.0",
                .flags = {"optional"}},
               {.name = "expiration",
                .type = "oneof",
                .flags = {"optional"},
                .arguments =
                    {{.name = "seconds", .type = "integer", .token = "EX", .since = "2.6.12"},
                     {.name = "milliseconds", .type = "integer", .token = "PX", .since = "2.6.12"},
                     {.name = "unix-time-seconds",
                      .type = "unix-time",
                      .token = "EXAT",
                      .since = "6.2.0"},
                     {.name = "unix-time-milliseconds",
                      .type = "unix-time",
                      .token = "PXAT",
                      .since = "6.2.0"},
                     {.name = "keepttl",
                      .type = "pure-token",
                      .token = "KEEPTTL",
                      .since = "6.0.0"}}}}}},
    {.name = "setnx",
     .arity = 3,
     .flags = kWriteFast,
     .behaviour = planned_by(plan_setnx),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom", "fast"},
              .acl_categories = {"@write", "@string", "@fast"},
              .key_specs =
                  {{.flags = {"OW", "insert"}, .begin_index = 1, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Set the value of a key, only if the key does not exist",
             .since = "1.0.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                           {.name = "value", .type = "string"}}}},
    {.name = "getset",
     .arity = 3,
     .flags = kWriteFast,
     .behaviour = planned_by(plan_getset),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom", "fast"},
              .acl_categories = {"@write", "@string", "@fast"},
              .key_specs = {{.flags = {"RW", "access", "update"},
                             .begin_index = 1,
                             .last_key = 0,
                             .key_step = 1}}},
     .doc = {.summary = "Set the string value of a key and return its old value",
             .since = "1.0.0",
             .group = "string",
             .complexity = "O(1)",
             .doc_flags = {"deprecated"},
             .deprecated_since = "6.2.0",
             .replaced_by = "`SET` with the `!GET` argument",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                           {.name = "value", .type = "string"}}}},
    {.name = "getdel",
     .arity = 2,
     .flags = kWriteFast,
     .behaviour = planned_by(plan_getdel),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "fast"},
              .acl_categories = {"@write", "@string", "@fast"},
              .key_specs = {{.flags = {"RW", "access", "delete"},
                             .begin_index = 1,
                             .last_key = 0,
                             .key_step = 1}}},
     .doc = {.summary = "Get the value of a key and delete the key",
             .since = "6.2.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
    {.name = "setex",
     .arity = 4,
     .flags = flag_write,
     .behaviour = planned_by(plan_setex),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom"},
              .acl_categories = {"@write", "@string", "@slow"},
              .key_specs =
                  {{.flags = {"OW", "update"}, .begin_index = 1, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Set the value and expiration of a key",
             .since = "2.0.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                           {.name = "seconds", .type = "integer"},
                           {.name = "value", .type = "string"}}}},
    {.name = "psetex",
     .arity = 4,
     .flags = flag_write,
     .behaviour = planned_by(plan_psetex),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom"},
              .acl_categories = {"@write", "@string", "@slow"},
              .key_specs =
                  {{.flags = {"OW", "update"}, .begin_index = 1, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Set the value and expiration in milliseconds of a key",
             .since = "2.6.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                           {.name = "milliseconds", .type = "integer"},
                           {.name = "value", .type = "string"}}}},
    {.name = "getex",
     .arity = -2,
     .flags = kWriteFast,
     .behaviour = planned_by(plan_getex),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "fast"},
              .acl_categories = {"@write", "@string", "@fast"},
              .key_specs = {{.notes = "RW and UPDATE because it changes the TTL",
                             .flags = {"RW", "access", "update"},
                             .begin_index = 1,
                             .last_key = 0,
                             .key_step = 1}}},
     .doc = {.summary = "Get the value of a key and optionally set its expiration",
             .since = "6.2.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments =
                 {{.name = "key", .type = "key", .key_spec_index = 0},
                  {.name = "expiration",
                   .type = "oneof",
                   .flags = {"optional"},
                   .arguments =
                       {{.name = "seconds", .type = "integer", .token = "EX"},
                        {.name = "milliseconds", .type = "integer", .token = "PX"},
                        {.name = "unix-time-seconds", .type = "unix-time", .token = "EXAT"},
                        {.name = "unix-time-milliseconds", .type = "unix-time", .token = "PXAT"},
                        {.name = "persist", .type = "pure-token", .token = "PERSIST"}}}}}},
    {.name = "mget",
     .arity = -2,
     .flags = kReadFast,
     .behaviour = planned_by(plan_mget),
     .first_key = 1,
     .last_key = -1,
     .key_step = 1,
     .info = {.flags = {"readonly", "fast"},
              .acl_categories = {"@read", "@string", "@fast"},
              .tips = {"request_policy:multi_shard"},
              .key_specs =
                  {{.flags = {"RO", "access"}, .begin_index = 1, .last_key = -1, .key_step = 1}}},
     .doc = {.summary = "Get the values of all the given keys",
             .since = "1.0.0",
             .group = "string",
             .complexity = "O(N) where N is the number of keys to retrieve.",
             .arguments =
                 {{.name = "key", .type = "key", .key_spec_index = 0, .flags = {"multiple"}}}}},
    {.name = "mset",
     .arity = -3,
     .flags = flag_write,
     .behaviour = planned_by(plan_mset),
     .first_key = 1,
     .last_key = -1,
     .key_step = 2,
     .info = {.flags = {"write", "denyoom"},
              .acl_categories = {"@write", "@string", "@slow"},
              .tips = {"request_policy:multi_shard", "response_policy:all_succeeded"},
              .key_specs =
                  {{.flags = {"OW", "update"}, .begin_index = 1, .last_key = -1, .key_step = 2}}},
     .doc = {.summary = "Set multiple keys to multiple values",
             .since = "1.0.1",
             .group = "string",
             .complexity = "O(N) where N is the number of keys to set.",
             .arguments = {{.name = "key_value",
                            .type = "block",
                            .flags = {"multiple"},
                            .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                                          {.name = "value", .type = "string"}}}}}},
    {.name = "msetnx",
     .arity = -3,
     .flags = flag_write,
     .behaviour = planned_by(plan_msetnx),
     .first_key = 1,
     .last_key = -1,
     .key_step = 2,
     .info = {.flags = {"write", "denyoom"},
              .acl_categories = {"@write", "@string", "@slow"},
              .tips = {"request_policy:multi_shard", "response_policy:agg_min"},
              .key_specs =
                  {{.flags = {"OW", "insert"}, .begin_index = 1, .last_key = -1, .key_step = 2}}},
     .doc = {.summary = "Set multiple keys to multiple values, only if none of the keys exist",
             .since = "1.0.1",
             .group = "string",
             .complexity = "O(N) where N is the number of keys to set.",
             .arguments = {{.name = "key_value",
                            .type = "block",
                            .flags = {"multiple"},
                            .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                                          {.name = "value", .type = "string"}}}}}},
    {.name = "strlen",
     .arity = 2,
     .flags = kReadFast,
     .behaviour = planned_by(plan_strlen),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"readonly", "fast"},
              .acl_categories = {"@read", "@string", "@fast"},
              .key_specs = {{.flags = {"RO"}, .begin_index = 1, .last_key = 0, .key_step = 1}}},
     .doc = {.summary = "Get the length of the value stored in a key",
             .since = "2.2.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
    {.name = "incr",
     .arity = 2,
     .flags = kWriteFast,
     .behaviour = planned_by(plan_incr),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom", "fast"},
              .acl_categories = {"@write", "@string", "@fast"},
              .key_specs = {{.flags = {"RW", "access", "update"},
                             .begin_index = 1,
                             .last_key = 0,
                             .key_step = 1}}},
     .doc = {.summary = "Increment the integer value of a key by one",
             .since = "1.0.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
    {.name = "decr",
     .arity = 2,
     .flags = kWriteFast,
     .behaviour = planned_by(plan_decr),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom", "fast"},
              .acl_categories = {"@write", "@string", "@fast"},
              .key_specs = {{.flags = {"RW", "access", "update"},
                             .begin_index = 1,
                             .last_key = 0,
                             .key_step = 1}}},
     .doc = {.summary = "Decrement the integer value of a key by one",
             .since = "1.0.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0}}}},
    {.name = "incrby",
     .arity = 3,
     .flags = kWriteFast,
     .behaviour = planned_by(plan_incrby),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom", "fast"},
              .acl_categories = {"@write", "@string", "@fast"},
              .key_specs = {{.flags = {"RW", "access", "update"},
                             .begin_index = 1,
                             .last_key = 0,
                             .key_step = 1}}},
     .doc = {.summary = "Increment the integer value of a key by the given amount",
             .since = "1.0.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                           {.name = "increment", .type = "integer"}}}},
    {.name = "decrby",
     .arity = 3,
     .flags = kWriteFast,
     .behaviour = planned_by(plan_decrby),
     .first_key = 1,
     .last_key = 1,
     .key_step = 1,
     .info = {.flags = {"write", "denyoom", "fast"},
              .acl_categories = {"@write", "@string", "@fast"},
              .key_specs = {{.flags = {"RW", "access", "update"},
                             .begin_index = 1,
                             .last_key = 0,
                             .key_step = 1}}},
     .doc = {.summary = "Decrement the integer value of a key by the given number",
             .since = "1.0.0",
             .group = "string",
             .complexity = "O(1)",
             .arguments = {{.name = "key", .type = "key", .key_spec_index = 0},
                           {.name = "decrement", .type = "integer"}}}},
};

}  // namespace

std::span<const command_spec> string_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
