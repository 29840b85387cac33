// Keyspace commands: DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, SCAN, DBSIZE, FLUSHDB, RENAME,
// RENAMENX, COPY, MOVE, RANDOMKEY.

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
#include "keys.hpp"
#include "parse.hpp"

namespace atomkv::proxy {
namespace keys_family {

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

// TOUCH: EXISTS as an access; a repeated key counts again, as in Redis's touchCommand.
maybe_error plan_touch(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::sum;
  for (std::size_t i = 1; i < a.size(); ++i) {
    p.add(operation::touch(a[i]));
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

// RENAME and RENAMENX: every check is the backend's (Redis looks the source up first).
maybe_error plan_rename(args_view a, plan_builder& p) {
  p.add(operation::rename(a[1], a[2]));
  return {};
}

maybe_error plan_renamenx(args_view a, plan_builder& p) {
  p.add(operation::rename(a[1], a[2], true));
  return {};
}

// COPY source destination [DB destination-db] [REPLACE], checked in copyCommand's order: the
// options (each DB index as SELECT reads it), then a key copied onto itself in one database, and
// only then the keys. A copy to another database is one step of this database's bucket that
// writes the other's (backend::store::open_database's numbering, which the proxy's databases are).
maybe_error plan_copy(args_view a, plan_builder& p) {
  bool replace = false;
  std::size_t db = p.db;
  for (std::size_t i = 3; i < a.size(); ++i) {
    if (equals_ignoring_case(c_string(a[i]), "replace")) {
      replace = true;
    } else if (equals_ignoring_case(c_string(a[i]), "db") && i + 1 < a.size()) {
      std::string_view problem;
      auto index = parse_db_index(a[++i], p.databases, problem);
      if (!index) {
        return std::string(problem);
      }
      db = *index;
    } else {
      return std::string(errors::syntax);
    }
  }
  if (p.cluster_mode && db != 0) {
    return std::string(errors::copy_db_in_cluster);  // checked after the options, as Redis does
  }
  if (db != p.db) {
    p.add(operation::copy_to_database(a[1], a[2], replace, db, p.db));
    return {};
  }
  if (a[1] == a[2]) {
    return std::string(errors::same_object);
  }
  p.add(operation::copy(a[1], a[2], replace));
  return {};
}

// MOVE key db, checked in moveCommand's order: the index (as SELECT reads it), then the same
// database, and only then the key. One step of this database's bucket, as COPY ... DB is.
maybe_error plan_move(args_view a, plan_builder& p) {
  if (p.cluster_mode) {
    return std::string(errors::move_in_cluster);  // before its arguments, as on a cluster node
  }
  std::string_view problem;
  auto db = parse_db_index(a[2], p.databases, problem);
  if (!db) {
    return std::string(problem);
  }
  if (*db == p.db) {
    return std::string(errors::same_object);
  }
  p.add(operation::move_to_database(a[1], *db, p.db));
  return {};
}

maybe_error plan_randomkey(args_view, plan_builder& p) {
  p.add(operation::random_key());
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

}  // namespace keys_family

}  // namespace atomkv::proxy
