#include "schema.hpp"

namespace atomkv::sqlite {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kCreate =
    "CREATE TABLE kv("
    "  id INTEGER PRIMARY KEY,"
    "  bucket BLOB NOT NULL,"
    "  key BLOB NOT NULL,"
    "  value BLOB,"
    "  version INTEGER NOT NULL,"
    "  UNIQUE(bucket, key));"
    "CREATE INDEX kv_pages ON kv(bucket, id);"
    "CREATE INDEX kv_tombstones ON kv(version) WHERE value IS NULL;"
    "CREATE TABLE meta("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  clock INTEGER NOT NULL,"
    "  horizon INTEGER NOT NULL);"
    "INSERT INTO meta VALUES (1, 0, 0);";

result<int> user_version(connection& c) {
  BOOST_OUTCOME_TRY(q, c.prepare("PRAGMA user_version"));
  if (q.step() != SQLITE_ROW) {
    return failure(c.failed("reading user_version"));
  }
  return static_cast<int>(q.integer(0));
}

}  // namespace

result<void> prepare_file(connection& c, bool synchronous_full) {
  BOOST_OUTCOME_TRY(c.exec("PRAGMA journal_mode = WAL"));
  BOOST_OUTCOME_TRY(
      c.exec(synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  // Two processes opening a new file at once: the second sees the first's tables.
  BOOST_OUTCOME_TRY(c.exec(sql::begin_write));
  auto created = [&]() -> result<void> {
    BOOST_OUTCOME_TRY(version, user_version(c));
    if (version == kSchemaVersion) {
      return outcome::success();
    }
    if (version != 0) {
      return failure(error::no_such_store(
          "sqlite: '" + std::string(sqlite3_db_filename(c.handle(), "main")) +
          "' has an unknown atomkv schema version " + std::to_string(version)));
    }
    BOOST_OUTCOME_TRY(tables, c.prepare("SELECT count(*) FROM sqlite_schema"));
    if (tables.step() != SQLITE_ROW) {
      return failure(c.failed("reading the schema"));
    }
    if (tables.integer(0) != 0) {
      return failure(
          error::no_such_store("sqlite: the file holds other tables, not an atomkv store"));
    }
    BOOST_OUTCOME_TRY(c.exec(kCreate));
    return c.exec("PRAGMA user_version = 1");
  }();
  if (!created) {
    (void)c.exec(sql::rollback);
    return created;
  }
  return c.exec(sql::commit);
}

}  // namespace atomkv::sqlite
