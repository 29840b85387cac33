#include "schema.hpp"

namespace atomkv::sqlite {
namespace {

constexpr int kSchemaVersion = 3;

// Version 2 (made first, then migrated to 3). The table is the (bucket, key) B-tree itself: a write
// touches one leaf, not a row table and a unique index. `seq` is the row's place in listings: the
// version of the write that put the row in the table (schema.hpp), kept while the row lives (a
// tombstone keeps it too), so a listing cursor is the next seq.
constexpr const char* kCreateTable =
    "CREATE TABLE kv("
    "  bucket BLOB NOT NULL,"
    "  key BLOB NOT NULL,"
    "  value BLOB,"
    "  version INTEGER NOT NULL,"
    "  deadline INTEGER,"
    "  seq INTEGER NOT NULL,"
    "  PRIMARY KEY(bucket, key)) WITHOUT ROWID;";

constexpr const char* kCreateIndexes =
    "CREATE INDEX kv_pages ON kv(bucket, seq);"
    "CREATE INDEX kv_tombstones ON kv(version) WHERE value IS NULL;"
    "CREATE INDEX kv_deadlines ON kv(deadline) WHERE deadline IS NOT NULL;";

constexpr const char* kCreateMeta =
    "CREATE TABLE meta("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  clock INTEGER NOT NULL,"
    "  horizon INTEGER NOT NULL,"
    "  expired INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO meta VALUES (1, 0, 0, 0);";

// Version 3: the log, and the tables renamed (schema.hpp). A file of version 2 (or a new one,
// made as version 2 first) becomes version 3 by these steps.
constexpr const char* kFromVersion2 =
    "ALTER TABLE kv RENAME TO keyspace;"
    "ALTER TABLE meta RENAME TO file_state;"
    "ALTER TABLE file_state ADD COLUMN log_last INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE file_state ADD COLUMN merged_through INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE log(id INTEGER PRIMARY KEY, images BLOB NOT NULL);";

// Version 1 (the first release): kv with a row id, UNIQUE(bucket, key), pages by id. Its rows
// move over as they are, with no deadline; the row id becomes the seq, so cursors handed out
// before stay valid, and the clock moves past every id so that new seqs sort after them.
// The new table is kCreateTable itself, made between the two steps.
constexpr const char* kSetVersion1Aside =
    "ALTER TABLE kv RENAME TO kv_version1;"
    "DROP INDEX kv_pages;"
    "DROP INDEX kv_tombstones;";
constexpr const char* kFromVersion1 =
    "INSERT INTO kv(bucket, key, value, version, deadline, seq)"
    "  SELECT bucket, key, value, version, NULL, id FROM kv_version1;"
    "UPDATE meta SET clock = max(clock, (SELECT coalesce(max(id), 0) FROM kv_version1));"
    "DROP TABLE kv_version1;"
    "ALTER TABLE meta ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;";

result<int> user_version(connection& c) {
  BOOST_OUTCOME_TRY(q, c.prepare("PRAGMA user_version"));
  if (q.step() != SQLITE_ROW) {
    return failure(c.failed("reading user_version"));
  }
  return static_cast<int>(q.integer(0));
}

result<void> set_user_version(connection& c) {
  return c.exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
}

}  // namespace

result<void> prepare_file(connection& c, bool synchronous_full) {
  BOOST_OUTCOME_TRY(c.exec("PRAGMA journal_mode = WAL"));
  BOOST_OUTCOME_TRY(
      c.exec(synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  // Two processes opening a new file at once: the second sees the first's tables.
  BOOST_OUTCOME_TRY(c.exec(sql::begin_write));
  auto created = [&]() -> result<void> {
    BOOST_OUTCOME_TRY(found, user_version(c));
    int version = found;
    if (version == kSchemaVersion) {
      return outcome::success();
    }
    if (version == 1) {
      // In this transaction: a crash leaves the file at its version, whole.
      BOOST_OUTCOME_TRY(c.exec(kSetVersion1Aside));
      BOOST_OUTCOME_TRY(c.exec(kCreateTable));
      BOOST_OUTCOME_TRY(c.exec(kFromVersion1));
      BOOST_OUTCOME_TRY(c.exec(kCreateIndexes));
      version = 2;
    }
    if (version == 2) {
      BOOST_OUTCOME_TRY(c.exec(kFromVersion2));
      return set_user_version(c);
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
    BOOST_OUTCOME_TRY(c.exec(kCreateTable));
    BOOST_OUTCOME_TRY(c.exec(kCreateIndexes));
    BOOST_OUTCOME_TRY(c.exec(kCreateMeta));
    BOOST_OUTCOME_TRY(c.exec(kFromVersion2));
    return set_user_version(c);
  }();
  if (!created) {
    (void)c.exec(sql::rollback);
    return created;
  }
  return c.exec(sql::commit);
}

}  // namespace atomkv::sqlite
