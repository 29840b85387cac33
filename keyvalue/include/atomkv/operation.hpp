#pragma once
// The vocabulary of the backend contract: one step of an atomic batch and its outcome.
//
// A list of operations is what MULTI ... EXEC queues, and also what `cas` (one set) and
// `increment` (one increment) are made of. Each operation acts on one key of one bucket, except
// `clear`, `count`, `list` and `random_key`, which act on the whole bucket, `set_if_none_exist`,
// which acts on the keys of its `pairs`, and the steps over several keys (bit_operation, rename,
// copy). Keys and values are borrowed for the
// duration of the call that receives them: a backend copies what it keeps.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace atomkv {

// When a key expires: an atomkv extension (wasi:keyvalue has no expiry). Deadlines are absolute
// Unix times in milliseconds, as Redis stores them; a key whose deadline is at or before now is
// gone for every read, write, listing and count.
struct expiry {
  enum class kind : std::uint8_t {
    none,   // no deadline: what SET, GETSET and MSET leave (and GETEX PERSIST)
    keep,   // the deadline the key already has (SET KEEPTTL; INCRBY always keeps it)
    after,  // `ms` milliseconds after the backend applies the operation (EX, PX, EXPIRE, ...)
    at,     // at Unix time `ms`, in milliseconds (EXAT, PXAT, EXPIREAT, PEXPIREAT)
  };
  kind what = kind::none;
  std::int64_t ms = 0;

  static constexpr expiry never() { return {}; }
  static constexpr expiry keep() { return {.what = kind::keep}; }
  static constexpr expiry after(std::int64_t ms) { return {.what = kind::after, .ms = ms}; }
  static constexpr expiry at(std::int64_t unix_ms) { return {.what = kind::at, .ms = unix_ms}; }

  bool has_deadline() const { return what == kind::after || what == kind::at; }
  // The absolute deadline for a clock reading `now_ms` (after or at only). A sum past the range of
  // int64 saturates: the proxy refuses such times before they get here, as Redis does.
  std::int64_t deadline(std::int64_t now_ms) const {
    if (what == kind::at) {
      return ms;
    }
    std::int64_t sum = 0;
    if (__builtin_add_overflow(now_ms, ms, &sum)) {
      return ms > 0 ? std::numeric_limits<std::int64_t>::max()
                    : std::numeric_limits<std::int64_t>::min();
    }
    return sum;
  }
  bool operator==(const expiry&) const = default;
};

// What OBJECT asks about a key's value (Redis's object.c).
enum class object_field : std::uint8_t { encoding, refcount, idletime, freq };

// The conditions of EXPIRE ... NX | XX | GT | LT, as bits (XX may go with GT or LT). A key with
// no deadline counts as one infinitely far away: GT never holds for it, LT always does.
enum expire_flag : std::uint8_t {
  expire_if_none = 1 << 0,     // NX: only if the key has no deadline
  expire_if_some = 1 << 1,     // XX: only if the key has one
  expire_if_later = 1 << 2,    // GT: only if the new deadline is later than the current one
  expire_if_earlier = 1 << 3,  // LT: only if the new deadline is earlier
};

// One GET, SET or INCRBY of BITFIELD, with the OVERFLOW in force for it (Redis's bitfieldOp).
// `offset` is in bits, already multiplied out of the "#N" form; see bit_edits.hpp for the parser.
struct bitfield_step {
  enum class kind : std::uint8_t { get, set, increment };
  enum class overflow : std::uint8_t { wrap, saturate, fail };
  kind what = kind::get;
  overflow on_overflow = overflow::wrap;
  bool is_signed = false;
  std::uint8_t bits = 0;     // 1..64 signed, 1..63 unsigned
  std::uint64_t offset = 0;  // in bits
  std::int64_t value = 0;    // SET: the value; INCRBY: the increment

  bool operator==(const bitfield_step&) const = default;
};

// BITOP's operation.
enum class bitop : std::uint8_t { and_, or_, xor_, not_ };

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
    // Expiry (see struct expiry).
    expire,          // EXPIRE family: integer 1 if the deadline was set (see operation::expire)
    persist,         // PERSIST: integer 1 if the key had a deadline and now has none, else 0
    time_left,       // PTTL: integer -2 when missing, -1 with no deadline, else ms left (>= 0)
    deadline,        // PEXPIRETIME: integer -2 when missing, -1 with no deadline, else Unix ms
    get_and_expire,  // GETEX: value or nil; the key's deadline changes (operation::get_and_expire)
    count_expiring,  // INFO keyspace expires=: integer number of keys of the bucket with a deadline
    average_ttl,     // INFO keyspace avg_ttl=: integer ms, the mean time left of those keys, or 0
    expired_total,   // INFO stats expired_keys: integer keys the store has expired since it began
    // Edits of a string value (Redis's t_string.c and bitops.c; see the constructors below).
    // Each reads and writes one key atomically and keeps the key's deadline.
    append,           // APPEND: integer length after; a missing key is created, even with ""
    get_range,        // GETRANGE, SUBSTR: value ("" when missing)
    set_range,        // SETRANGE: integer length after
    increment_float,  // INCRBYFLOAT: value, the new number as Redis formats it
    set_bit,          // SETBIT: integer, the bit before
    get_bit,          // GETBIT: integer
    bit_count,        // BITCOUNT: integer
    bit_position,     // BITPOS: integer
    bitfield,         // BITFIELD, BITFIELD_RO: integers, one per GET/SET/INCRBY (nil: FAIL)
    bit_operation,    // BITOP: integer, the destination's length (see operation::bit_operation)
    // Keyspace steps over two keys (Redis's db.c; see the constructors below).
    rename,  // RENAME: ok; RENAMENX: integer 1 or 0; "ERR no such key" when the source is missing
    copy,    // COPY: integer 1, or 0 (no source, or a destination and no REPLACE)
    random_key,      // RANDOMKEY: a key of the bucket as a value, or nil when it has none
    swap_databases,  // SWAPDB: ok; two databases of the store trade every key (see below)
    // OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ of one key (see operation::object).
    object,
  };
  enum class condition : std::uint8_t { always, if_missing, if_present };

  kind what = kind::get;
  std::string_view key;                // list: the cursor
  std::string_view value;              // set; list: the pattern; rename, copy: destination
  std::int64_t delta = 0;              // increment; list: the page size; copy: 1 with a database
  condition when = condition::always;  // set; rename, copy: if_missing (NX, no REPLACE)
  bool return_previous = false;        // set
  std::span<const std::string_view> pairs;    // set_if_none_exist: key, value, key, value, ...
  std::optional<std::string_view> type_name;  // list: only keys of this type (SCAN ... TYPE)
  expiry deadline;                            // set, expire, get_and_expire
  std::uint8_t expire_flags = 0;              // expire: expire_flag bits
  // get_range: start; set_range: byte offset; set_bit, get_bit: bit; copy: target database;
  // swap_databases: the other database
  std::int64_t offset = 0;
  // get_range: end; copy, swap_databases: the bucket's own database
  std::int64_t end = 0;
  // bit_count, bit_position: the range arguments as the client gave them (start, end, BYTE|BIT),
  // parsed only once the key is found to exist, as Redis does (bit_edits.hpp); bit_operation:
  // the source keys
  std::span<const std::string_view> arguments;
  std::span<const bitfield_step> steps;         // bitfield
  bool read_only = false;                       // bitfield: BITFIELD_RO (GET steps only)
  bool touches = false;                         // exists: TOUCH (Redis counts it as an access)
  bool removes_source = false;                  // copy to another database: MOVE
  object_field field = object_field::encoding;  // object

  static operation get(std::string_view key) { return {.what = kind::get, .key = key}; }
  // SET: the key's deadline becomes `deadline` (none by default, as SET leaves it; keep for
  // KEEPTTL). When `when` does not hold, nothing changes, the deadline included.
  static operation set(std::string_view key, std::string_view value,
                       condition when = condition::always, bool return_previous = false,
                       expiry deadline = expiry::never()) {
    return {.what = kind::set,
            .key = key,
            .value = value,
            .when = when,
            .return_previous = return_previous,
            .deadline = deadline};
  }
  static operation remove(std::string_view key) { return {.what = kind::remove, .key = key}; }
  static operation exists(std::string_view key) { return {.what = kind::exists, .key = key}; }
  // TOUCH of one key: exists, as an access (in front of Redis, Redis's TOUCH, which updates the
  // key's idle time; the proxy's own backends keep none).
  static operation touch(std::string_view key) {
    return {.what = kind::exists, .key = key, .touches = true};
  }
  // INCRBY keeps the key's deadline; a key it creates has none.
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

  // EXPIRE family: on an existing key whose current deadline satisfies `flags`, sets the
  // deadline (after or at) and answers 1; a deadline at or before now deletes the key instead
  // (still 1). A missing key, or a condition that does not hold: 0, nothing changes.
  static operation expire(std::string_view key, expiry deadline, std::uint8_t flags = 0) {
    return {.what = kind::expire, .key = key, .deadline = deadline, .expire_flags = flags};
  }
  static operation persist(std::string_view key) { return {.what = kind::persist, .key = key}; }
  static operation time_left(std::string_view key) { return {.what = kind::time_left, .key = key}; }
  static operation deadline_of(std::string_view key) {
    return {.what = kind::deadline, .key = key};
  }
  // GETEX: the value (nil when missing); an existing key's deadline then becomes `deadline`:
  // keep changes nothing, none removes it (PERSIST), after/at set it, and a deadline at or before
  // now deletes the key after it was read.
  static operation get_and_expire(std::string_view key, expiry deadline) {
    return {.what = kind::get_and_expire, .key = key, .deadline = deadline};
  }
  static operation count_expiring() { return {.what = kind::count_expiring}; }
  static operation average_ttl() { return {.what = kind::average_ttl}; }
  static operation expired_total() { return {.what = kind::expired_total}; }

  // String edits. Arguments that Redis checks before it looks the key up (offsets, the bit) are
  // the caller's to check (bit_edits.hpp, string_edits.hpp have the parsers); the rest (lengths
  // past 512 MB, a value that is not a float, BITCOUNT/BITPOS ranges) the backend checks with
  // Redis's errors, in Redis's order.
  static operation append(std::string_view key, std::string_view tail) {
    return {.what = kind::append, .key = key, .value = tail};
  }
  // GETRANGE key start end (inclusive, negative from the end).
  static operation get_range(std::string_view key, std::int64_t start, std::int64_t end) {
    return {.what = kind::get_range, .key = key, .offset = start, .end = end};
  }
  // SETRANGE key offset value; `offset` >= 0. An empty value writes nothing (not even a missing
  // key), and then answers the length without a check of the 512 MB limit.
  static operation set_range(std::string_view key, std::int64_t offset, std::string_view value) {
    return {.what = kind::set_range, .key = key, .value = value, .offset = offset};
  }
  // INCRBYFLOAT key increment, with the increment as the client sent it: the backend parses it
  // after the current value, as Redis does (both fail with "ERR value is not a valid float").
  static operation increment_float(std::string_view key, std::string_view increment) {
    return {.what = kind::increment_float, .key = key, .value = increment};
  }
  // SETBIT key offset bit: `offset` a valid bit offset (parse_bit_offset), `bit` 0 or 1.
  static operation set_bit(std::string_view key, std::int64_t offset, int bit) {
    return {.what = kind::set_bit, .key = key, .delta = bit, .offset = offset};
  }
  static operation get_bit(std::string_view key, std::int64_t offset) {
    return {.what = kind::get_bit, .key = key, .offset = offset};
  }
  // BITCOUNT key [start end [BYTE|BIT]]: `range` the arguments after the key.
  static operation bit_count(std::string_view key, std::span<const std::string_view> range = {}) {
    return {.what = kind::bit_count, .key = key, .arguments = range};
  }
  // BITPOS key bit [start [end [BYTE|BIT]]]: `bit` 0 or 1, `range` the arguments after it.
  static operation bit_position(std::string_view key, int bit,
                                std::span<const std::string_view> range = {}) {
    return {.what = kind::bit_position, .key = key, .delta = bit, .arguments = range};
  }
  // BITFIELD (or BITFIELD_RO with `read_only`, whose steps are all GETs).
  static operation bitfield(std::string_view key, std::span<const bitfield_step> steps,
                            bool read_only = false) {
    return {.what = kind::bitfield, .key = key, .steps = steps, .read_only = read_only};
  }

  // BITOP how destination source...: `sources` (one for NOT) read as zero-padded bytes, a missing
  // one as empty; the destination gets the result with no deadline, as SET leaves it, or is
  // removed when every source is empty. Acts on the destination and every source.
  static operation bit_operation(std::string_view destination, bitop how,
                                 std::span<const std::string_view> sources) {
    return {.what = kind::bit_operation,
            .key = destination,
            .delta = static_cast<std::int64_t>(how),
            .arguments = sources};
  }

  // RENAME source destination (RENAMENX with `only_if_missing`): the value moves to the
  // destination with its deadline, and the source is gone. A missing source fails the step with
  // Redis's "ERR no such key" (RENAMENX too); a source renamed to itself changes nothing (OK, or 0
  // for RENAMENX); RENAMENX onto an existing destination changes nothing and answers 0. Acts on
  // both keys.
  static operation rename(std::string_view source, std::string_view destination,
                          bool only_if_missing = false) {
    return {.what = kind::rename,
            .key = source,
            .value = destination,
            .when = only_if_missing ? condition::if_missing : condition::always};
  }
  // COPY source destination [REPLACE]: the destination gets the source's value and deadline and
  // answers 1; a missing source, or an existing destination without `replace`, answers 0 and
  // changes nothing. The caller refuses a source copied onto itself, as Redis does before it looks
  // the key up. Acts on both keys; writes only the destination.
  static operation copy(std::string_view source, std::string_view destination, bool replace) {
    return {.what = kind::copy,
            .key = source,
            .value = destination,
            .when = replace ? condition::always : condition::if_missing};
  }
  // COPY ... DB: the destination in the store's database `to` (backend::store::open_database's
  // numbering), for a bucket that is database `from` of its store (as the proxy's are).
  static operation copy_to_database(std::string_view source, std::string_view destination,
                                    bool replace, std::size_t to, std::size_t from) {
    operation op = copy(source, destination, replace);
    op.delta = 1;
    op.offset = static_cast<std::int64_t>(to);
    op.end = static_cast<std::int64_t>(from);
    return op;
  }
  // MOVE key db: copy_to_database of the key onto itself, without replacing, that removes the
  // source once copied: integer 1, or 0 (no source, or the key exists in database `to`).
  static operation move_to_database(std::string_view key, std::size_t to, std::size_t from) {
    operation op = copy_to_database(key, key, false, to, from);
    op.removes_source = true;
    return op;
  }
  // Whether a copy goes to another database (copy_to_database with `to` other than `from`).
  bool copies_across_databases() const { return what == kind::copy && delta == 1 && offset != end; }

  // SWAPDB own other: this bucket, database `own` of its store (open_database's numbering, as
  // the proxy's are), and database `other` trade every key with its value and deadline. Redis's
  // dbSwapDatabases touches a watched key that is live in either database: here each key that
  // moves is a new write in its new place and a delete in its old one, and a key live in
  // neither is not touched, so a watch fails exactly when Redis's would. Keys already past their
  // deadline are reclaimed first. Memory: applied alone, never in a batch with other operations
  // nor in a transaction's commit (it answers an error there, and the others apply); atomic for
  // the thread that applies it (the proxy's one loop); another thread's batch over several keys of
  // these buckets, running at the same moment, may see some of its keys swapped and others not.
  // SQLite: one write transaction (in a batch or a commit too), costing every live key of both.
  // Redis: SWAPDB itself (not on a cluster).
  static operation swap_databases(std::size_t own, std::size_t other) {
    return {.what = kind::swap_databases,
            .offset = static_cast<std::int64_t>(other),
            .end = static_cast<std::int64_t>(own)};
  }

  // RANDOMKEY: any live key of the bucket, nil when there is none.
  static operation random_key() { return {.what = kind::random_key}; }

  // OBJECT <field> key: nil when the key is missing, else what object_answer() says on atomkv's
  // own backends, and Redis's own answer on Redis (where a list or hash is described too).
  static operation object(std::string_view key, object_field field) {
    return {.what = kind::object, .key = key, .field = field};
  }

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

  // Whether the operation acts on the whole bucket rather than on named keys (on Redis Cluster it
  // runs on every master; on memory:// it holds every stripe).
  bool spans_bucket() const {
    switch (what) {
      case kind::clear:
      case kind::count:
      case kind::list:
      case kind::count_expiring:
      case kind::average_ttl:
      case kind::expired_total:
      case kind::random_key:
      case kind::swap_databases:
        return true;
      default:
        return false;
    }
  }

  // Whether the operation may write. Read-only batches need no write locks.
  bool writes() const {
    return what == kind::set || what == kind::remove || what == kind::increment ||
           what == kind::take || what == kind::clear || what == kind::set_if_none_exist ||
           what == kind::expire || what == kind::persist ||
           (what == kind::get_and_expire && deadline.what != expiry::kind::keep) ||
           what == kind::append || what == kind::set_range || what == kind::increment_float ||
           what == kind::set_bit || (what == kind::bitfield && bitfield_writes()) ||
           what == kind::bit_operation || what == kind::rename || what == kind::copy ||
           what == kind::swap_databases;
  }
  // Whether a BITFIELD has a SET or INCRBY (Redis then looks the key up for writing).
  bool bitfield_writes() const {
    for (const auto& step : steps) {
      if (step.what != bitfield_step::kind::get) {
        return true;
      }
    }
    return false;
  }
};

// What one operation produced. Errors of one operation (a non-integer for INCRBY, a wrong type
// on Redis) do not undo the others, exactly as inside Redis's EXEC.
struct op_result {
  enum class kind : std::uint8_t { nil, ok, value, integer, error, keys, integers };

  kind what = kind::nil;
  std::string text;  // value; for error, the full RESP error line ("ERR ..."); for keys, the cursor
  std::int64_t integer = 0;                           // integer
  std::vector<std::string> keys;                      // keys
  std::vector<std::optional<std::int64_t>> integers;  // integers: an array of integers or nils

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

  static op_result of_integers(std::vector<std::optional<std::int64_t>> list) {
    return {.what = kind::integers, .integers = std::move(list)};
  }

  bool operator==(const op_result&) const = default;
};

}  // namespace atomkv
