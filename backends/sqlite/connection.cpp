#include "connection.hpp"

#include <thread>

namespace atomkv::sqlite {

query::~query() {
  if (statement_) {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
}

query& query::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

query& query::bind_null(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

query& query::bind_bytes(int index, std::string_view bytes) {
  if (bytes.empty()) {
    sqlite3_bind_zeroblob(statement_, index, 0);
  } else {
    sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
  }
  return *this;
}

std::string query::bytes(int column) const {
  const void* data = sqlite3_column_blob(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size))
              : std::string();
}

error sqlite_error(std::string_view doing, int code, sqlite3* db) {
  std::string why = "sqlite: " + std::string(doing) + ": ";
  why += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  return error::other(std::move(why));
}

connection::connection(sqlite3* db, std::chrono::milliseconds busy_timeout)
    : db_(db), busy_timeout_(busy_timeout) {
  sqlite3_busy_handler(db_, &connection::on_busy, this);
  sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() {
  for (auto& [sql, statement] : statements_) {
    sqlite3_finalize(statement);
  }
  sqlite3_close_v2(db_);
}

result<std::unique_ptr<connection>> connection::open(const std::string& path,
                                                     std::chrono::milliseconds busy_timeout) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    std::string why = "sqlite: cannot open '" + path + "': ";
    why += db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close_v2(db);
    return failure(error::no_such_store(std::move(why)));
  }
  return std::unique_ptr<connection>(new connection(db, busy_timeout));
}

// SQLite's own busy timeout sleeps up to 100 ms between attempts; another process's write lock
// is free only for a moment between its commits, so poll often enough to catch that moment.
int connection::on_busy(void* self, int attempts) {
  auto* c = static_cast<connection*>(self);
  if (c->no_wait_) {
    return 0;
  }
  auto now = std::chrono::steady_clock::now();
  if (attempts == 0) {
    c->busy_since_ = now;
  }
  c->waited_ = true;
  if (now - c->busy_since_ >= c->busy_timeout_) {
    return 0;
  }
  std::this_thread::sleep_for(std::chrono::microseconds(attempts < 20 ? 50 : 250));
  return 1;
}

result<void> connection::exec(const char* sql) {
  char* message = nullptr;
  int code = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (code != SQLITE_OK) {
    std::string why = "sqlite: " + std::string(sql) + ": ";
    why += message ? message : sqlite3_errstr(code);
    sqlite3_free(message);
    return failure(error::other(std::move(why)));
  }
  return outcome::success();
}

result<void> connection::run(const char* sql) {
  BOOST_OUTCOME_TRY(q, prepare(sql));
  if (q.step() != SQLITE_DONE) {
    return failure(error::other("sqlite: " + std::string(sql) + ": " + sqlite3_errmsg(db_)));
  }
  return outcome::success();
}

result<query> connection::prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* statement = nullptr;
    int code = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (code != SQLITE_OK) {
      return failure(failed(sql));
    }
    it = statements_.emplace(sql, statement).first;
  }
  return query(it->second);
}

error connection::failed(std::string_view doing) const {
  return sqlite_error(doing, sqlite3_errcode(db_), db_);
}

}  // namespace atomkv::sqlite
