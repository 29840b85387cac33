// Keyspace commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, DBSIZE, FLUSHDB.

#include <cerrno>
#include <cstdlib>
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
  p.target.shape = reply_shape::type;  // every atomkv value is a string
  p.add(operation::exists(a[1]));
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

// Redis's string2ull: an unsigned decimal; strtoull's leniency included.
bool parse_cursor(std::string_view text, unsigned long long& cursor) {
  if (auto strict = parse_integer(text)) {
    if (*strict < 0) {
      return false;
    }
    cursor = static_cast<unsigned long long>(*strict);
    return true;
  }
  std::string copy(text);
  if (copy.empty() || copy.find('\0') != std::string::npos) {
    return false;
  }
  errno = 0;
  char* end = nullptr;
  cursor = std::strtoull(copy.c_str(), &end, 10);
  return errno == 0 && end != nullptr && *end == '\0';
}

// Lists keys of the client's database with one backend page request (SCAN) or all of them (KEYS).
std::shared_ptr<backend::bucket> bucket_or_reply(client& c, resp::reply_writer& out) {
  std::string error;
  auto bucket = c.owner().bucket(c.state().db, error);
  if (!bucket) {
    out.error("ERR " + error);
  }
  return bucket;
}

void run_keys(client& c, args_view a, resp::reply_writer& out) {
  auto bucket = bucket_or_reply(c, out);
  if (!bucket) {
    return;
  }
  backend::list_options options;
  options.count_hint = 10000;
  options.match = a[1] == "*" ? std::string_view() : a[1];
  // An empty list_options::match means "every key"; Redis's empty pattern matches only "".
  const bool only_empty_key = a[1].empty();
  std::vector<std::string> keys;
  std::optional<std::string> cursor;
  do {
    auto page = bucket->list_keys(cursor, options);
    if (!page) {
      out.error(backend_error_line(page.error()));
      return;
    }
    for (auto& key : page.value().keys) {
      if (!only_empty_key || key.empty()) {
        keys.push_back(std::move(key));
      }
    }
    cursor = std::move(page.value().cursor);
  } while (cursor);
  out.array_header(keys.size());
  for (const auto& key : keys) {
    out.bulk(key);
  }
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void run_scan(client& c, args_view a, resp::reply_writer& out) {
  unsigned long long cursor = 0;
  if (!parse_cursor(a[1], cursor)) {
    out.error(errors::invalid_cursor);
    return;
  }
  backend::list_options options;
  options.count_hint = 10;
  std::optional<std::string_view> type;
  bool only_empty_key = false;  // MATCH "" matches only the empty key, as in Redis
  for (std::size_t i = 2; i < a.size();) {
    bool has_value = a.size() - i >= 2;
    if (equals_ignoring_case(a[i], "count") && has_value) {
      auto count = parse_integer(a[i + 1]);
      if (!count) {
        out.error(errors::not_integer);
        return;
      }
      if (*count < 1) {
        out.error(errors::syntax);
        return;
      }
      options.count_hint = static_cast<std::size_t>(*count);
    } else if (equals_ignoring_case(a[i], "match") && has_value) {
      options.match = a[i + 1] == "*" ? std::string_view() : a[i + 1];
      only_empty_key = a[i + 1].empty();
    } else if (equals_ignoring_case(a[i], "type") && has_value) {
      type = a[i + 1];
    } else {
      out.error(errors::syntax);
      return;
    }
    i += 2;
  }
  auto bucket = bucket_or_reply(c, out);
  if (!bucket) {
    return;
  }
  std::string from = std::to_string(cursor);
  auto page = bucket->list_keys(cursor == 0 ? std::nullopt : std::optional<std::string_view>(from),
                                options);
  if (!page) {
    out.error(backend_error_line(page.error()));
    return;
  }
  bool strings_wanted = !type || equals_ignoring_case(*type, "string");
  auto& keys = page.value().keys;
  if (only_empty_key || !strings_wanted) {
    std::erase_if(keys, [&](const std::string& key) { return !strings_wanted || !key.empty(); });
  }
  out.array_header(2);
  out.bulk(page.value().cursor.value_or("0"));
  out.array_header(keys.size());
  for (const auto& key : keys) {
    out.bulk(key);
  }
}

constexpr std::uint32_t kReadFast = flag_readonly | flag_fast;

const command_spec kCommands[] = {
    {"del", -2, flag_write, plan_del, nullptr, nullptr, 1, -1, 1, "generic",
     "Deletes one or more keys.", "1.0.0"},
    {"unlink", -2, flag_write | flag_fast, plan_del, nullptr, nullptr, 1, -1, 1, "generic",
     "Asynchronously deletes one or more keys.", "4.0.0"},
    {"exists", -2, kReadFast, plan_exists, nullptr, nullptr, 1, -1, 1, "generic",
     "Determines whether one or more keys exist.", "1.0.0"},
    {"type", 2, kReadFast, plan_type, nullptr, nullptr, 1, 1, 1, "generic",
     "Determines the type of value stored at a key.", "1.0.0"},
    {"keys", 2, flag_readonly, nullptr, run_keys, nullptr, 0, 0, 0, "generic",
     "Returns all key names that match a pattern.", "1.0.0"},
    {"scan", -2, flag_readonly, nullptr, run_scan, nullptr, 0, 0, 0, "generic",
     "Iterates over the key names in the database.", "2.8.0"},
    {"dbsize", 1, kReadFast, plan_dbsize, nullptr, nullptr, 0, 0, 0, "server",
     "Returns the number of keys in the database.", "1.0.0"},
    {"flushdb", -1, flag_write, plan_flushdb, nullptr, nullptr, 0, 0, 0, "server",
     "Removes all keys from the current database.", "1.0.0"},
};

}  // namespace

std::span<const command_spec> key_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
