#include "commands.hpp"

#include <hiredis/hiredis.h>

#include <cassert>
#include <charconv>
#include <random>
#include <utility>

namespace atomkv::redis {
namespace {

// clear and count of a prefixed bucket: atomic, and exact (KEYS, unlike SCAN, never repeats a
// key). ARGV[1] is the bucket's key pattern. One DEL per key: a cluster node refuses a script's
// DEL of keys in two slots ("non local key"), even when it serves both.
constexpr std::string_view kClearScript =
    "local keys = redis.call('KEYS', ARGV[1]) "
    "for _, key in ipairs(keys) do redis.call('DEL', key) end "
    "return redis.status_reply('OK')";
constexpr std::string_view kCountScript = "return #redis.call('KEYS', ARGV[1])";
// random_key of a prefixed bucket: one of its keys, drawn by ARGV[2] (a script's own random
// numbers are the same on every run), or nil.
constexpr std::string_view kRandomKeyScript =
    "local keys = redis.call('KEYS', ARGV[1]) "
    "if #keys == 0 then return false end "
    "return keys[tonumber(ARGV[2]) % #keys + 1]";
// count_expiring (ARGV[2] "count") and average_ttl ("mean") of a prefixed bucket: INFO keyspace
// counts the whole database, so the bucket's keys are read as count reads them, at one frozen
// moment of the script, exactly (Redis's avg_ttl is an estimate from its expiry sampling; this
// is the mean of the time left of the bucket's keys with a deadline, 0 when there are none). A
// running mean keeps the sum of huge times within a double's precision.
constexpr std::string_view kExpiringScript =
    "local keys = redis.call('KEYS', ARGV[1]) "
    "local n, mean = 0, 0 "
    "for _, key in ipairs(keys) do "
    "local left = redis.call('PTTL', key) "
    "if left >= 0 then n = n + 1 mean = mean + (left - mean) / n end "
    "end "
    "if ARGV[2] == 'count' then return n end "
    "return math.floor(mean)";

std::string_view text_of(const redisReply& reply) {
  return std::string_view(reply.str, reply.len);
}

error unexpected(std::string_view command) {
  return error::other("redis: unexpected reply to " + std::string(command));
}

// The arguments a deadline adds to SET (`for_set`) or GETEX. Redis refuses a time of 0 or less
// there, but removes a key given a PXAT already past: a deadline at or before now is PXAT 1.
const char* object_subcommand(object_field field) {
  switch (field) {
    case object_field::encoding:
      return "ENCODING";
    case object_field::refcount:
      return "REFCOUNT";
    case object_field::idletime:
      return "IDLETIME";
    case object_field::freq:
      return "FREQ";
  }
  return "ENCODING";
}

std::size_t deadline_args(const expiry& deadline, bool for_set) {
  switch (deadline.what) {
    case expiry::kind::none:
      return for_set ? 0 : 1;  // GETEX ... PERSIST
    case expiry::kind::keep:
      return for_set ? 1 : 0;  // SET ... KEEPTTL
    case expiry::kind::after:
    case expiry::kind::at:
      return 2;
  }
  return 0;
}

void add_deadline(request& out, const expiry& deadline, bool for_set) {
  switch (deadline.what) {
    case expiry::kind::none:
      if (!for_set) {
        out.arg("PERSIST");
      }
      return;
    case expiry::kind::keep:
      if (for_set) {
        out.arg("KEEPTTL");
      }
      return;
    case expiry::kind::after:
    case expiry::kind::at:
      if (deadline.ms <= 0) {
        out.arg("PXAT");
        out.arg(1LL);
      } else {
        out.arg(deadline.what == expiry::kind::after ? "PX" : "PXAT");
        out.arg(static_cast<long long>(deadline.ms));
      }
      return;
  }
}

void add_expire(request& out, std::string_view prefix, const operation& op) {
  if (!op.deadline.has_deadline()) {
    // bucket::expire refuses these; sent without a time, Redis answers its arity error.
    assert(!"expire without a deadline");
    out.start(2);
    out.arg("PEXPIRE");
    out.key(prefix, op.key);
    return;
  }
  constexpr std::pair<expire_flag, std::string_view> kFlags[] = {
      {expire_if_none, "NX"},
      {expire_if_some, "XX"},
      {expire_if_later, "GT"},
      {expire_if_earlier, "LT"},
  };
  std::size_t flags = 0;
  for (const auto& [bit, name] : kFlags) {
    flags += (op.expire_flags & bit) != 0 ? 1 : 0;
  }
  out.start(3 + flags);
  out.arg(op.deadline.what == expiry::kind::after ? "PEXPIRE" : "PEXPIREAT");
  out.key(prefix, op.key);
  out.arg(static_cast<long long>(op.deadline.ms));
  // Every flag asked for, even a combination Redis refuses (NX GT): its error is the answer.
  for (const auto& [bit, name] : kFlags) {
    if ((op.expire_flags & bit) != 0) {
      out.arg(name);
    }
  }
}

// BITFIELD's steps as Redis's arguments: offsets in plain bits, OVERFLOW before each write step
// whose overflow differs from the one in force (WRAP at first; GET steps ignore it).
void add_bitfield(request& out, std::string_view prefix, const operation& op) {
  std::size_t argc = 2;
  auto overflow = bitfield_step::overflow::wrap;
  for (const auto& step : op.steps) {
    const bool get = step.what == bitfield_step::kind::get;
    if (!get && step.on_overflow != overflow) {
      overflow = step.on_overflow;
      argc += 2;
    }
    argc += get ? 3 : 4;
  }
  out.start(argc);
  out.arg(op.read_only ? "BITFIELD_RO" : "BITFIELD");
  out.key(prefix, op.key);
  overflow = bitfield_step::overflow::wrap;
  for (const auto& step : op.steps) {
    const bool get = step.what == bitfield_step::kind::get;
    if (!get && step.on_overflow != overflow) {
      overflow = step.on_overflow;
      out.arg("OVERFLOW");
      out.arg(overflow == bitfield_step::overflow::wrap       ? "WRAP"
              : overflow == bitfield_step::overflow::saturate ? "SAT"
                                                              : "FAIL");
    }
    out.arg(get ? "GET" : step.what == bitfield_step::kind::set ? "SET" : "INCRBY");
    out.arg(std::string(step.is_signed ? "i" : "u") + std::to_string(step.bits));
    out.arg(static_cast<long long>(step.offset));
    if (!get) {
      out.arg(static_cast<long long>(step.value));
    }
  }
}

// A command of the key, its fixed arguments, then `rest` as given.
void add_keyed(request& out, std::string_view prefix, std::string_view name, const operation& op,
               std::initializer_list<std::string_view> fixed,
               std::span<const std::string_view> rest = {}) {
  out.start(2 + fixed.size() + rest.size());
  out.arg(name);
  out.key(prefix, op.key);
  for (auto text : fixed) {
    out.arg(text);
  }
  for (auto text : rest) {
    out.arg(text);
  }
}

void add_op(request& out, std::string_view prefix, int db, const operation& op) {
  switch (op.what) {
    case operation::kind::append:
      add_keyed(out, prefix, "APPEND", op, {op.value});
      return;
    case operation::kind::get_range:
      add_keyed(out, prefix, "GETRANGE", op, {std::to_string(op.offset), std::to_string(op.end)});
      return;
    case operation::kind::set_range:
      add_keyed(out, prefix, "SETRANGE", op, {std::to_string(op.offset), op.value});
      return;
    case operation::kind::increment_float:
      add_keyed(out, prefix, "INCRBYFLOAT", op, {op.value});
      return;
    case operation::kind::set_bit:
      add_keyed(out, prefix, "SETBIT", op, {std::to_string(op.offset), std::to_string(op.delta)});
      return;
    case operation::kind::get_bit:
      add_keyed(out, prefix, "GETBIT", op, {std::to_string(op.offset)});
      return;
    case operation::kind::bit_count:
      add_keyed(out, prefix, "BITCOUNT", op, {}, op.arguments);
      return;
    case operation::kind::bit_position:
      add_keyed(out, prefix, "BITPOS", op, {std::to_string(op.delta)}, op.arguments);
      return;
    case operation::kind::bitfield:
      add_bitfield(out, prefix, op);
      return;
    case operation::kind::bit_operation: {
      constexpr std::string_view kNames[] = {"AND", "OR", "XOR", "NOT"};
      out.start(3 + op.arguments.size());
      out.arg("BITOP");
      out.arg(kNames[static_cast<std::size_t>(op.delta) & 3]);
      out.key(prefix, op.key);
      for (std::string_view source : op.arguments) {
        out.key(prefix, source);
      }
      return;
    }
    case operation::kind::rename:
      out.start(3);
      out.arg(op.when == operation::condition::if_missing ? "RENAMENX" : "RENAME");
      out.key(prefix, op.key);
      out.key(prefix, op.value);
      return;
    case operation::kind::copy: {
      if (op.removes_source) {
        // MOVE key db, in Redis's numbering as for COPY ... DB below.
        out.start(3);
        out.arg("MOVE");
        out.key(prefix, op.key);
        out.arg(static_cast<long long>(db - op.end + op.offset));
        return;
      }
      const bool replace = op.when != operation::condition::if_missing;
      const bool across = op.copies_across_databases();
      out.start((replace ? 4 : 3) + (across ? 2 : 0));
      out.arg("COPY");
      out.key(prefix, op.key);
      out.key(prefix, op.value);
      if (across) {
        // The proxy's databases are Redis's from the store's first one on: this bucket's
        // database `end` is Redis's `db`.
        out.arg("DB");
        out.arg(static_cast<long long>(db - op.end + op.offset));
      }
      if (replace) {
        out.arg("REPLACE");
      }
      return;
    }
    case operation::kind::swap_databases:
      if (!prefix.empty()) {
        // A bucket with a prefix shares its Redis database with others: SWAPDB would move theirs.
        out.add({"EVAL",
                 "return redis.error_reply('ERR SWAPDB of a bucket with a key prefix is not "
                 "supported')",
                 "0"});
        return;
      }
      // In Redis's numbering, as for COPY ... DB below.
      out.start(3);
      out.arg("SWAPDB");
      out.arg(static_cast<long long>(db));
      out.arg(static_cast<long long>(db - op.end + op.offset));
      return;
    case operation::kind::random_key: {
      if (prefix.empty()) {
        out.add({"RANDOMKEY"});
        return;
      }
      thread_local std::mt19937_64 draw{std::random_device{}()};
      out.start(5);
      out.arg("EVAL");
      out.arg(kRandomKeyScript);
      out.arg("0");
      out.arg(glob_escape(prefix) + "*");
      out.arg(static_cast<long long>(draw() >> 12));  // exact in Lua's doubles
      return;
    }
    case operation::kind::get:
      out.start(2);
      out.arg("GET");
      out.key(prefix, op.key);
      return;
    case operation::kind::set: {
      bool conditional = op.when != operation::condition::always;
      out.start(3 + (conditional ? 1 : 0) + (op.return_previous ? 1 : 0) +
                deadline_args(op.deadline, true));
      out.arg("SET");
      out.key(prefix, op.key);
      out.arg(op.value);
      add_deadline(out, op.deadline, true);
      if (conditional) {
        out.arg(op.when == operation::condition::if_missing ? "NX" : "XX");
      }
      if (op.return_previous) {
        out.arg("GET");
      }
      return;
    }
    case operation::kind::expire:
      add_expire(out, prefix, op);
      return;
    case operation::kind::persist:
      out.start(2);
      out.arg("PERSIST");
      out.key(prefix, op.key);
      return;
    case operation::kind::time_left:
      out.start(2);
      out.arg("PTTL");
      out.key(prefix, op.key);
      return;
    case operation::kind::deadline:
      out.start(2);
      out.arg("PEXPIRETIME");
      out.key(prefix, op.key);
      return;
    case operation::kind::get_and_expire:
      out.start(2 + deadline_args(op.deadline, false));
      out.arg("GETEX");
      out.key(prefix, op.key);
      add_deadline(out, op.deadline, false);
      return;
    case operation::kind::count_expiring:
    case operation::kind::average_ttl:
      if (prefix.empty()) {
        out.add({"INFO", "keyspace"});
        return;
      }
      out.start(5);
      out.arg("EVAL");
      out.arg(kExpiringScript);
      out.arg("0");
      out.arg(glob_escape(prefix) + "*");
      out.arg(op.what == operation::kind::count_expiring ? "count" : "mean");
      return;
    case operation::kind::expired_total:
      out.add({"INFO", "stats"});
      return;
    case operation::kind::remove:
      out.start(2);
      out.arg("DEL");
      out.key(prefix, op.key);
      return;
    case operation::kind::exists:
      out.start(2);
      out.arg(op.touches ? "TOUCH" : "EXISTS");
      out.key(prefix, op.key);
      return;
    case operation::kind::increment:
      out.start(3);
      out.arg("INCRBY");
      out.key(prefix, op.key);
      out.arg(static_cast<long long>(op.delta));
      return;
    case operation::kind::take:
      out.start(2);
      out.arg("GETDEL");
      out.key(prefix, op.key);
      return;
    case operation::kind::length:
      out.start(2);
      out.arg("STRLEN");
      out.key(prefix, op.key);
      return;
    case operation::kind::type:
      out.start(2);
      out.arg("TYPE");
      out.key(prefix, op.key);
      return;
    case operation::kind::object:
      out.start(3);
      out.arg("OBJECT");
      out.arg(object_subcommand(op.field));
      out.key(prefix, op.key);
      return;
    case operation::kind::set_if_none_exist:
      out.start(1 + op.pairs.size());
      out.arg("MSETNX");
      for (std::size_t i = 0; i < op.pairs.size(); ++i) {
        if (i % 2 == 0) {
          out.key(prefix, op.pairs[i]);
        } else {
          out.arg(op.pairs[i]);
        }
      }
      return;
    case operation::kind::clear:
    case operation::kind::count: {
      bool clear = op.what == operation::kind::clear;
      if (prefix.empty()) {
        out.add({clear ? "FLUSHDB" : "DBSIZE"});
        return;
      }
      out.start(4);
      out.arg("EVAL");
      out.arg(clear ? kClearScript : kCountScript);
      out.arg("0");
      out.arg(glob_escape(prefix) + "*");
      return;
    }
    case operation::kind::list: {
      std::string pattern = glob_escape(prefix) + std::string(op.value);
      if (op.delta <= 0) {
        // KEYS is exact (SCAN may repeat a key) and answers at once, as the whole listing must.
        out.start(2);
        out.arg("KEYS");
        out.arg(pattern);
        return;
      }
      // SCAN ... TYPE is Redis's own filter: keys other clients made may be lists, hashes, ...
      bool filtered = pattern != "*";
      bool typed = op.type_name.has_value();
      out.start(4 + (filtered ? 2 : 0) + (typed ? 2 : 0));
      out.arg("SCAN");
      out.arg(op.key.empty() ? std::string_view("0") : op.key);
      if (filtered) {
        out.arg("MATCH");
        out.arg(pattern);
      }
      out.arg("COUNT");
      out.arg(static_cast<long long>(op.delta));
      if (typed) {
        out.arg("TYPE");
        out.arg(*op.type_name);
      }
      return;
    }
  }
}

bool is_key(const redisReply& reply) {
  return reply.type == REDIS_REPLY_STRING;
}

// KEYS' array, or SCAN's cursor and array, as the result of a list operation.
op_result listed_keys(const redisReply& reply, std::string_view prefix, bool paged) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return to_op_result(reply);
  }
  const redisReply* keys = &reply;
  std::string cursor;
  if (paged) {
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 2 || !is_key(*reply.element[0])) {
      return op_result::failed("ERR unexpected reply to SCAN from redis");
    }
    if (text_of(*reply.element[0]) != "0") {
      cursor.assign(text_of(*reply.element[0]));
    }
    keys = reply.element[1];
  }
  if (keys->type != REDIS_REPLY_ARRAY) {
    return op_result::failed(paged ? "ERR unexpected reply to SCAN from redis"
                                   : "ERR unexpected reply to KEYS from redis");
  }
  std::vector<std::string> listed;
  listed.reserve(keys->elements);
  for (std::size_t i = 0; i < keys->elements; ++i) {
    const redisReply& key = *keys->element[i];
    if (is_key(key) && text_of(key).starts_with(prefix)) {
      listed.emplace_back(text_of(key).substr(prefix.size()));
    }
  }
  return op_result::of_keys(std::move(listed), std::move(cursor));
}

// The line of INFO text that starts with `head`, without it (up to the line's end).
std::optional<std::string_view> info_line(std::string_view info, std::string_view head) {
  std::size_t at = 0;
  while (at < info.size()) {
    std::size_t end = info.find('\n', at);
    std::string_view line = info.substr(at, end == std::string_view::npos ? end : end - at);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    if (line.starts_with(head)) {
      return line.substr(head.size());
    }
    if (end == std::string_view::npos) {
      break;
    }
    at = end + 1;
  }
  return std::nullopt;
}

std::optional<std::int64_t> decimal(std::string_view text) {
  std::int64_t n = 0;
  auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (failed != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return n;
}

// `field` (expires or avg_ttl) of database `db` in INFO keyspace: "db0:keys=2,expires=1,avg_ttl=9".
// A database with no keys has no line: 0.
op_result keyspace_field(const redisReply& reply, int db, std::string_view field) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return to_op_result(reply);
  }
  if (reply.type != REDIS_REPLY_STRING) {
    return op_result::failed("ERR unexpected reply to INFO from redis");
  }
  auto line = info_line(text_of(reply), "db" + std::to_string(db) + ":");
  if (!line) {
    return op_result::of_integer(0);
  }
  std::string_view rest = *line;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view pair = rest.substr(0, comma);
    if (pair.starts_with(field) && pair.size() > field.size() && pair[field.size()] == '=') {
      if (auto n = decimal(pair.substr(field.size() + 1))) {
        return op_result::of_integer(*n);
      }
      break;
    }
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return op_result::failed("ERR unexpected reply to INFO from redis");
}

op_result expired_keys(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return to_op_result(reply);
  }
  if (reply.type == REDIS_REPLY_STRING) {
    if (auto line = info_line(text_of(reply), "expired_keys:")) {
      if (auto n = decimal(*line)) {
        return op_result::of_integer(*n);
      }
    }
  }
  return op_result::failed("ERR unexpected reply to INFO from redis");
}

bool all_of_kind(std::span<const operation> ops, operation::kind what) {
  for (const auto& op : ops) {
    if (op.what != what) {
      return false;
    }
  }
  return true;
}

// Sets that MSET can carry: MSET leaves no deadline, so only sets of expiry::never().
bool all_plain_sets(std::span<const operation> ops) {
  for (const auto& op : ops) {
    if (op.what != operation::kind::set || op.when != operation::condition::always ||
        op.return_previous || op.deadline.what != expiry::kind::none) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string glob_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

namespace {

// BITFIELD's array: integers, and nil for a step that failed under OVERFLOW FAIL.
op_result integers_of(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ARRAY) {
    return reply.type == REDIS_REPLY_ERROR ? to_op_result(reply)
                                           : op_result::failed("ERR unexpected reply from redis");
  }
  std::vector<std::optional<std::int64_t>> list;
  list.reserve(reply.elements);
  for (std::size_t i = 0; i < reply.elements; ++i) {
    const redisReply& item = *reply.element[i];
    if (item.type == REDIS_REPLY_INTEGER) {
      list.emplace_back(item.integer);
    } else if (item.type == REDIS_REPLY_NIL) {
      list.emplace_back(std::nullopt);
    } else {
      return op_result::failed("ERR unexpected reply from redis");
    }
  }
  return op_result::of_integers(std::move(list));
}

}  // namespace

op_result to_op_result(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_STATUS:
      return op_result::ok();
    case REDIS_REPLY_STRING:
      return op_result::of_value(std::string(text_of(reply)));
    case REDIS_REPLY_INTEGER:
      return op_result::of_integer(reply.integer);
    case REDIS_REPLY_NIL:
      return op_result::nil();
    case REDIS_REPLY_ERROR:
      return op_result::failed(std::string(text_of(reply)));
    default:
      return op_result::failed("ERR unexpected reply type from redis");
  }
}

// ---- apply / commit ----

void apply_call::note_forms(std::string_view prefix, std::span<const operation> ops) {
  for (std::size_t i = 0; i < ops.size(); ++i) {
    form how = form::plain;
    switch (ops[i].what) {
      case operation::kind::type:
        how = form::type_name;
        break;
      case operation::kind::list:
        how = ops[i].delta <= 0 ? form::all_keys : form::key_page;
        break;
      case operation::kind::count_expiring:
        how = prefix.empty() ? form::keyspace_expires : form::plain;
        break;
      case operation::kind::average_ttl:
        how = prefix.empty() ? form::keyspace_avg_ttl : form::plain;
        break;
      case operation::kind::expired_total:
        how = form::stats_expired;
        break;
      case operation::kind::bitfield:
        how = form::integer_array;
        break;
      case operation::kind::random_key:
        how = prefix.empty() ? form::plain : form::prefixed_key;
        break;
      default:
        break;
    }
    if (how == form::plain) {
      continue;
    }
    if (forms_.empty()) {
      forms_.assign(ops.size(), form::plain);
      prefix_.assign(prefix);
    }
    forms_[i] = how;
  }
}

op_result apply_call::result_of(std::size_t index, const redisReply& reply) const {
  if (index >= forms_.size() || forms_[index] == form::plain) {
    return to_op_result(reply);
  }
  switch (forms_[index]) {
    case form::keyspace_expires:
      return keyspace_field(reply, db_, "expires");
    case form::keyspace_avg_ttl:
      return keyspace_field(reply, db_, "avg_ttl");
    case form::stats_expired:
      return expired_keys(reply);
    case form::integer_array:
      return integers_of(reply);
    case form::prefixed_key:
      if (reply.type == REDIS_REPLY_STRING && text_of(reply).starts_with(prefix_)) {
        return op_result::of_value(std::string(text_of(reply).substr(prefix_.size())));
      }
      return to_op_result(reply);
    default:
      break;
  }
  if (forms_[index] == form::type_name) {
    // TYPE answers a status ("+list"): its text is the result.
    if (reply.type == REDIS_REPLY_STATUS) {
      return op_result::of_value(std::string(text_of(reply)));
    }
    return reply.type == REDIS_REPLY_ERROR
               ? to_op_result(reply)
               : op_result::failed("ERR unexpected reply to TYPE from redis");
  }
  return listed_keys(reply, prefix_, forms_[index] == form::key_page);
}

apply_call apply_call::for_apply(std::string_view prefix, int db, std::span<const operation> ops) {
  if (ops.size() == 1) {
    apply_call call(shape::single, 1, db);
    add_op(call.request_, prefix, db, ops.front());
    call.note_forms(prefix, ops);
    return call;
  }
  if (ops.size() > 1 && all_of_kind(ops, operation::kind::get)) {
    apply_call call(shape::mget, ops.size(), db);
    call.request_.start(1 + ops.size());
    call.request_.arg("MGET");
    for (const auto& op : ops) {
      call.request_.key(prefix, op.key);
    }
    return call;
  }
  if (ops.size() > 1 && all_plain_sets(ops)) {
    apply_call call(shape::mset, ops.size(), db);
    call.request_.start(1 + 2 * ops.size());
    call.request_.arg("MSET");
    for (const auto& op : ops) {
      call.request_.key(prefix, op.key);
      call.request_.arg(op.value);
    }
    return call;
  }
  // Several removes stay one DEL each inside MULTI: a single multi-key DEL would only count the
  // removed keys, and each operation must say whether its own key existed.
  return for_commit(prefix, db, ops);
}

apply_call apply_call::for_commit(std::string_view prefix, int db, std::span<const operation> ops) {
  apply_call call(shape::multi, ops.size(), db);
  call.request_.add({"MULTI"});
  for (const auto& op : ops) {
    add_op(call.request_, prefix, db, op);
  }
  call.request_.add({"EXEC"});
  call.note_forms(prefix, ops);
  return call;
}

void apply_call::on_reply(const redisReply& reply) {
  std::size_t index = seen_++;
  switch (how_) {
    case shape::single:
      results_.push_back(result_of(0, reply));
      return;
    case shape::mget:
      if (reply.type == REDIS_REPLY_ARRAY && reply.elements == ops_) {
        for (std::size_t i = 0; i < reply.elements; ++i) {
          results_.push_back(to_op_result(*reply.element[i]));
        }
      } else if (reply.type == REDIS_REPLY_ERROR) {
        results_.assign(ops_, to_op_result(reply));
      } else {
        failed_ = unexpected("MGET");
      }
      return;
    case shape::mset:
      results_.assign(ops_, to_op_result(reply));
      return;
    case shape::multi:
      break;
  }
  if (index == 0) {
    if (reply.type == REDIS_REPLY_ERROR && !failed_) {
      failed_ = error::other(std::string(text_of(reply)));
    }
    return;
  }
  if (index <= ops_) {
    return;  // +QUEUED, or an error that EXEC reports as EXECABORT
  }
  if (reply.type == REDIS_REPLY_NIL) {
    conflict_ = true;
  } else if (reply.type == REDIS_REPLY_ARRAY && reply.elements == ops_) {
    results_.reserve(ops_);
    for (std::size_t i = 0; i < reply.elements; ++i) {
      results_.push_back(result_of(i, *reply.element[i]));
    }
  } else if (reply.type == REDIS_REPLY_ERROR) {
    if (!failed_) {
      failed_ = error::other(std::string(text_of(reply)));
    }
  } else if (!failed_) {
    failed_ = unexpected("EXEC");
  }
}

result<std::optional<std::vector<op_result>>> apply_call::finish() {
  if (failed_) {
    return failure(std::move(*failed_));
  }
  if (seen_ != request_.commands()) {
    return failure(error::other("redis: missing replies"));
  }
  if (conflict_) {
    return std::optional<std::vector<op_result>>();
  }
  return std::optional<std::vector<op_result>>(std::move(results_));
}

// ---- watch ----

watch_call::watch_call(std::string_view prefix, std::span<const std::string_view> keys,
                       bool read_values)
    : keys_(keys.size()), read_values_(read_values) {
  if (keys.empty()) {
    return;
  }
  request_.start(1 + keys.size());
  request_.arg("WATCH");
  for (auto k : keys) {
    request_.key(prefix, k);
  }
  if (!read_values) {
    return;
  }
  request_.start(1 + keys.size());
  request_.arg(keys.size() == 1 ? "GET" : "MGET");
  for (auto k : keys) {
    request_.key(prefix, k);
  }
}

void watch_call::on_reply(const redisReply& reply) {
  std::size_t index = seen_++;
  if (failed_) {
    return;
  }
  if (reply.type == REDIS_REPLY_ERROR) {
    failed_ = backend::to_error(to_op_result(reply));
    return;
  }
  if (index == 0) {
    return;  // +OK of WATCH
  }
  auto value_of = [this](const redisReply& r) {
    if (r.type == REDIS_REPLY_STRING) {
      values_.emplace_back(std::string(text_of(r)));
    } else if (r.type == REDIS_REPLY_NIL) {
      values_.emplace_back();
    } else {
      failed_ = unexpected("GET");
    }
  };
  if (keys_ == 1) {
    value_of(reply);
  } else if (reply.type == REDIS_REPLY_ARRAY && reply.elements == keys_) {
    for (std::size_t i = 0; i < reply.elements; ++i) {
      value_of(*reply.element[i]);
    }
  } else {
    failed_ = unexpected("MGET");
  }
}

result<std::vector<std::optional<std::string>>> watch_call::finish() {
  if (failed_) {
    return failure(std::move(*failed_));
  }
  if (seen_ != request_.commands()) {
    return failure(error::other("redis: missing replies"));
  }
  if (read_values_ && values_.size() != keys_) {
    return failure(unexpected("GET"));
  }
  return std::move(values_);
}

// ---- unwatch ----

void unwatch_call::on_reply(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_ERROR) {
    failed_ = error::other(std::string(text_of(reply)));
  }
}

result<void> unwatch_call::finish() {
  if (failed_) {
    return failure(std::move(*failed_));
  }
  return outcome::success();
}

// ---- scan ----

scan_call::scan_call(std::string_view prefix, std::optional<std::string_view> cursor,
                     const backend::list_options& options)
    : prefix_(prefix) {
  std::string_view from = cursor && !cursor->empty() ? *cursor : std::string_view("0");
  bool filtered = !prefix.empty() || !options.match.empty();
  request_.start(filtered ? 6 : 4);
  request_.arg("SCAN");
  request_.arg(from);
  if (filtered) {
    request_.arg("MATCH");
    request_.arg(glob_escape(prefix) + std::string(options.match.empty() ? "*" : options.match));
  }
  request_.arg("COUNT");
  request_.arg(static_cast<long long>(options.count_hint == 0 ? 10 : options.count_hint));
}

void scan_call::on_reply(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_ERROR) {
    failed_ = backend::to_error(to_op_result(reply));
    return;
  }
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 2 ||
      reply.element[0]->type != REDIS_REPLY_STRING || reply.element[1]->type != REDIS_REPLY_ARRAY) {
    failed_ = unexpected("SCAN");
    return;
  }
  std::string_view next = text_of(*reply.element[0]);
  if (next != "0") {
    page_.cursor = std::string(next);
  }
  const redisReply& keys = *reply.element[1];
  page_.keys.reserve(keys.elements);
  for (std::size_t i = 0; i < keys.elements; ++i) {
    std::string_view key = text_of(*keys.element[i]);
    if (key.starts_with(prefix_)) {
      page_.keys.emplace_back(key.substr(prefix_.size()));
    }
  }
}

result<backend::key_page> scan_call::finish() {
  if (failed_) {
    return failure(std::move(*failed_));
  }
  return std::move(page_);
}

}  // namespace atomkv::redis
