#pragma once
// The vocabulary of the backend contract: one step of an atomic batch and its outcome.
//
// A list of operations is what MULTI ... EXEC queues, and also what `cas` (one set) and
// `increment` (one increment) are made of. Each operation acts on one key of one bucket, except
// `clear`, `count` and `list`, which act on the whole bucket, and `set_if_none_exist`, which acts
// on the keys of its `pairs`. Keys and values are borrowed for the
// duration of the call that receives them: a backend copies what it keeps.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace atomkv {

struct operation {
  enum class kind : std::uint8_t {
    get,        // GET: value or nil
    set,        // SET: ok, or nil when `when` did not hold; with return_previous the old value/nil
    remove,     // DEL of one key: integer 1 if it existed, else 0
    exists,     // EXISTS of one key: integer 1 or 0
    increment,  // INCRBY: integer new value, or an error; the value is unchanged on error
    take,       // GETDEL: value or nil; the key is removed
    length,     // STRLEN: integer byte length, 0 when missing
    clear,      // FLUSHDB: ok; every key of the bucket is removed
    count,      // DBSIZE: integer number of keys in the bucket
    set_if_none_exist,  // MSETNX: integer 1 and every pair set if no key exists, else 0
    list,               // KEYS, SCAN: keys (see operation::list)
    type,               // TYPE: the key's type as a value: "string", or "none" when missing
  };
  enum class condition : std::uint8_t { always, if_missing, if_present };

  kind what = kind::get;
  std::string_view key;                       // list: the cursor
  std::string_view value;                     // set; list: the pattern
  std::int64_t delta = 0;                     // increment; list: the page size
  condition when = condition::always;         // set
  bool return_previous = false;               // set
  std::span<const std::string_view> pairs;    // set_if_none_exist: key, value, key, value, ...
  std::optional<std::string_view> type_name;  // list: only keys of this type (SCAN ... TYPE)

  static operation get(std::string_view key) { return {.what = kind::get, .key = key}; }
  static operation set(std::string_view key, std::string_view value,
                       condition when = condition::always, bool return_previous = false) {
    return {.what = kind::set,
            .key = key,
            .value = value,
            .when = when,
            .return_previous = return_previous};
  }
  static operation remove(std::string_view key) { return {.what = kind::remove, .key = key}; }
  static operation exists(std::string_view key) { return {.what = kind::exists, .key = key}; }
  static operation increment(std::string_view key, std::int64_t delta) {
    return {.what = kind::increment, .key = key, .delta = delta};
  }
  static operation take(std::string_view key) { return {.what = kind::take, .key = key}; }
  static operation length(std::string_view key) { return {.what = kind::length, .key = key}; }
  static operation clear() { return {.what = kind::clear}; }
  static operation count() { return {.what = kind::count}; }
  static operation set_if_none_exist(std::span<const std::string_view> pairs) {
    return {.what = kind::set_if_none_exist, .pairs = pairs};
  }
  // The bucket's keys that match the glob `pattern` ("*" every key, "" only the empty key), as the
  // batch's earlier operations left them. With `page_size` 0, every such key at once (KEYS);
  // otherwise one page from `cursor` ("" starts), sized and resumed as bucket::list_keys pages
  // with count_hint `page_size` (SCAN). The result is op_result::keys with the next cursor in
  // `text`, "" when the listing is complete; a cursor the backend never gave fails the operation
  // with "ERR invalid cursor". With `type_name` (SCAN ... TYPE), only the keys of that type are
  // kept, the type named as TYPE names it, in any case: every key on a backend that stores only
  // strings, for "string"; a backend with other types (Redis) filters by its own.
  static operation list(std::string_view pattern, std::string_view cursor = {},
                        std::int64_t page_size = 0,
                        std::optional<std::string_view> type_name = std::nullopt) {
    return {.what = kind::list,
            .key = cursor,
            .value = pattern,
            .delta = page_size,
            .type_name = type_name};
  }
  // The key's type as Redis's TYPE names it. A backend that stores only strings answers
  // "string" or "none"; on Redis it is Redis's own answer, so a list, hash or set that another
  // client made there is named so.
  static operation type(std::string_view key) { return {.what = kind::type, .key = key}; }

  // Whether a listing with this type filter keeps a key that is a string (the only type atomkv
  // stores): no filter, or "string" in any case, compared as Redis's strcasecmp compares C
  // strings (up to a NUL byte), so "" keeps nothing.
  bool lists_strings() const {
    if (!type_name) {
      return true;
    }
    std::string_view name = type_name->substr(0, type_name->find('\0'));
    constexpr std::string_view wanted = "string";
    if (name.size() != wanted.size()) {
      return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != wanted[i]) {
        return false;
      }
    }
    return true;
  }

  // Whether the operation may write. Read-only batches need no write locks.
  bool writes() const {
    return what == kind::set || what == kind::remove || what == kind::increment ||
           what == kind::take || what == kind::clear || what == kind::set_if_none_exist;
  }
};

// What one operation produced. Errors of one operation (a non-integer for INCRBY, a wrong type
// on Redis) do not undo the others, exactly as inside Redis's EXEC.
struct op_result {
  enum class kind : std::uint8_t { nil, ok, value, integer, error, keys };

  kind what = kind::nil;
  std::string text;  // value; for error, the full RESP error line ("ERR ..."); for keys, the cursor
  std::int64_t integer = 0;       // integer
  std::vector<std::string> keys;  // keys

  static op_result nil() { return {}; }
  static op_result ok() { return {.what = kind::ok}; }
  static op_result of_value(std::string v) { return {.what = kind::value, .text = std::move(v)}; }
  static op_result of_integer(std::int64_t i) { return {.what = kind::integer, .integer = i}; }
  static op_result failed(std::string line) {
    return {.what = kind::error, .text = std::move(line)};
  }
  static op_result of_keys(std::vector<std::string> listed, std::string cursor = {}) {
    return {.what = kind::keys, .text = std::move(cursor), .keys = std::move(listed)};
  }

  bool operator==(const op_result&) const = default;
};

}  // namespace atomkv
