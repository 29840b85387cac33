#pragma once
// A thin RAII layer over sqlite3: one connection, its cached prepared statements, and a busy
// handler that keeps retrying a locked file until the configured timeout.

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "atomkv/result.hpp"
#include "log_overlay.hpp"

namespace atomkv::sqlite {

// One step-through of a cached statement. Keys and values are bound without copying, so the
// bound bytes must outlive the query; the statement is reset when the query goes away.
class query {
 public:
  explicit query(sqlite3_stmt* statement) : statement_(statement) {}
  query(query&& other) noexcept : statement_(std::exchange(other.statement_, nullptr)) {}
  query& operator=(query&&) = delete;
  ~query();

  query& bind(int index, std::int64_t value);
  query& bind_null(int index);
  // Always a BLOB, never NULL: an empty value is a zero-length blob (NULL marks a tombstone).
  query& bind_bytes(int index, std::string_view bytes);

  int step() { return sqlite3_step(statement_); }  // SQLITE_ROW, SQLITE_DONE or an error code

  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  double real(int column) const { return sqlite3_column_double(statement_, column); }
  std::optional<std::int64_t> optional_integer(int column) const {
    return is_null(column) ? std::nullopt : std::optional(integer(column));
  }
  std::string bytes(int column) const;

 private:
  sqlite3_stmt* statement_;
};

class connection {
 public:
  // Opens (creating if needed) the file at `path`.
  static result<std::unique_ptr<connection>> open(const std::string& path,
                                                  std::chrono::milliseconds busy_timeout);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  sqlite3* handle() const { return db_; }

  // Runs SQL text with no parameters and no rows wanted.
  result<void> exec(const char* sql);
  // As exec, for one statement run often (BEGIN, COMMIT): prepared once, as prepare() does.
  result<void> run(const char* sql);

  // The cached statement for `sql`, which must be a string literal (cached by address).
  result<query> prepare(const char* sql);

  // The connection's last error, as the contract's error, with what was being done.
  error failed(std::string_view doing) const;

  // Whether the busy handler had to wait since the last reset_waited().
  bool waited() const { return waited_; }
  void reset_waited() { waited_ = false; }

  // While set, a locked file fails at once with SQLITE_BUSY instead of being waited for.
  void set_no_wait(bool no_wait) { no_wait_ = no_wait; }
  // Whether the last failure was a lock that was not waited for.
  bool was_busy() const { return (sqlite3_errcode(db_) & 0xff) == SQLITE_BUSY; }

  // What this connection has read of the file's log (log_overlay.hpp).
  log_overlay& overlay() { return overlay_; }

 private:
  connection(sqlite3* db, std::chrono::milliseconds busy_timeout);
  static int on_busy(void* self, int attempts);

  sqlite3* db_;
  std::chrono::milliseconds busy_timeout_;
  std::chrono::steady_clock::time_point busy_since_{};
  bool waited_ = false;
  bool no_wait_ = false;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
  log_overlay overlay_;
};

// The contract's error for a SQLite result code outside a connection (e.g. open failures).
error sqlite_error(std::string_view doing, int code, sqlite3* db);

}  // namespace atomkv::sqlite
