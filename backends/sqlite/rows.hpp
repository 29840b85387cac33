#pragma once
// The operations of the backend contract as SQL on one bucket's rows, inside a transaction the
// caller has opened. The same code serves the read connections (read-only operations, no clock)
// and the writer (every operation, versions from the file's clock). The writer passes its group's
// pending rows: reads look there first and writes stay there until the group's log row.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "atomkv/backend.hpp"
#include "atomkv/operation.hpp"
#include "connection.hpp"
#include "pending_rows.hpp"

namespace atomkv::sqlite {

// The file's write clock, read at the start of a write transaction and stored before COMMIT.
struct write_clock {
  std::int64_t clock = 0;    // the newest version handed out
  std::int64_t horizon = 0;  // the newest version of a purged tombstone
  std::int64_t expired = 0;  // keys removed by expiry since the file began
  std::int64_t next() { return ++clock; }
};

// What a watch remembers of one key. For a present key, its version; for a missing key, the
// clock at the watch: any write to it since then carries a newer version.
struct watched_key {
  std::string key;
  bool present = false;
  std::int64_t version = 0;
};

struct row {
  bool present = false;  // false: a tombstone, or a key past its deadline
  std::int64_t version = 0;
  std::optional<std::int64_t> deadline;  // Unix ms, of a live key only
  std::string value;                     // only when asked for
};

class rows {
 public:
  // `now_ms` (atomkv::unix_time_ms, read once per batch) decides which deadlines have passed.
  rows(connection& c, std::string_view bucket, std::int64_t now_ms, pending_rows* pending = nullptr)
      : c_(c), bucket_(bucket), now_(now_ms), pending_(pending) {}

  // The key's row; a key past its deadline is a tombstone that kept its version. Inside one of
  // the writer's operations, such a row becomes one in the file too, counted as expired.
  result<std::optional<row>> find(std::string_view key, bool with_value);

  // Runs one operation. `clock` is null on a read connection (read-only operations only).
  // Every operation writes one key at most, except set_if_none_exist, rename and a move.
  result<op_result> execute(const operation& op, write_clock* clock);

  // Up to `limit` rows of live keys (every one if negative) from seq `from` on, those matching
  // the glob `pattern` kept, if there is one; a cursor when there may be more.
  result<backend::key_page> list(std::uint64_t from, std::int64_t limit,
                                 std::optional<std::string_view> pattern);

  // A listing cursor ("" starts): the lowest seq not yet listed, any unsigned 64-bit decimal
  // (as SCAN takes any cursor); one past the largest seq lists nothing.
  static bool parse_cursor(std::string_view text, std::uint64_t& from);

  // Whether `w` still describes the key: no write since the watch.
  result<bool> unchanged(const watched_key& w, const write_clock& clock);

  // The watch record for `key` now, and its value if asked; `clock` is the clock of the same
  // read transaction.
  result<watched_key> watch(std::string_view key, std::int64_t clock,
                            std::optional<std::string>* value);

 private:
  result<std::optional<row>> find_in_file(std::string_view key, bool with_value);
  result<op_result> run(const operation& op, write_clock* clock);
  result<void> write(std::string_view key, std::string_view value, write_clock& clock,
                     std::optional<std::int64_t> deadline = std::nullopt);
  result<void> bury(std::string_view key, write_clock& clock);
  // Before a statement that reads or writes many rows of the file at once.
  result<void> flush_pending();
  result<op_result> set(const operation& op, write_clock& clock);
  result<op_result> increment(const operation& op, write_clock& clock);
  result<op_result> edit(const operation& op, write_clock* clock);
  result<op_result> bit_operation(const operation& op, write_clock& clock);
  result<op_result> move_or_copy(const operation& op, write_clock& clock);
  result<op_result> random_key();
  result<op_result> set_if_none_exist(const operation& op, write_clock& clock);
  result<op_result> list(const operation& op);
  result<op_result> expire(const operation& op, write_clock& clock);
  result<op_result> persist(const operation& op, write_clock& clock);
  result<op_result> get_and_expire(const operation& op, write_clock& clock);
  result<op_result> count_expiring(bool average);
  result<op_result> clear(write_clock& clock);
  // Expired rows of `bucket` become tombstones that keep their version; counted as expired.
  result<void> expire_bucket(std::string_view bucket, write_clock& clock);
  result<op_result> swap_databases(const operation& op, write_clock& clock);

  connection& c_;
  std::string_view bucket_;
  std::int64_t now_;
  pending_rows* pending_;
  write_clock* clock_ = nullptr;  // during a writer's operation: expiries found count there
};

// Reads the clock row (inside a transaction).
result<write_clock> read_clock(connection& c);

// Inside the writer's transaction: the log and then the group's pending rows into the table,
// before a statement over many rows (log_overlay.hpp).
result<void> merge_into_table(connection& c, pending_rows& pending);

// Whether `op` reads many rows with one statement: on a read connection it needs the log merged,
// so while the log holds rows, such reads go to the writer, which merges first.
bool reads_many_rows(const operation& op);

}  // namespace atomkv::sqlite
