#pragma once
// The file's layout. One table holds every bucket:
//
//   kv(id INTEGER PRIMARY KEY, bucket BLOB, key BLOB, value BLOB, version INTEGER,
//      UNIQUE(bucket, key))
//   meta(id = 1, clock INTEGER, horizon INTEGER)
//
// Versions: `meta.clock` is a per-file write counter, read and advanced inside the write
// transaction, so versions grow across every process sharing the file. Each write stamps its row
// with the next clock value. A delete does not remove the row: it leaves a tombstone (value NULL)
// with a new version, so that a watch of a missing key (which remembers the clock at the watch)
// sees a create-then-delete as a tombstone newer than the watch (no ABA).
//
// Tombstones are purged once they are `tombstone_lag` writes old; `meta.horizon` records the
// newest version purged, and a watch of a missing key older than the horizon conflicts: the only
// false conflict, and only for a watch that outlives that many writes to the file.
//
// Rows are updated in place (never INSERT OR REPLACE), so a live key keeps its id: list_keys
// pages by id, and its cursor is the next id to read.

#include <cstdint>

#include "connection.hpp"

namespace atomkv::sqlite {

inline constexpr std::int64_t tombstone_lag = 100000;

// Sets WAL mode and the synchronous level, and creates the tables if the file is new. A file
// with another application's tables is no-such-store.
result<void> prepare_file(connection& c, bool synchronous_full);

// Every statement the backend runs.
namespace sql {
inline constexpr const char* begin_read = "BEGIN";
inline constexpr const char* begin_write = "BEGIN IMMEDIATE";
inline constexpr const char* commit = "COMMIT";
inline constexpr const char* rollback = "ROLLBACK";
inline constexpr const char* savepoint = "SAVEPOINT request";
inline constexpr const char* release = "RELEASE request";
inline constexpr const char* rollback_to = "ROLLBACK TO request";

inline constexpr const char* read_clock = "SELECT clock, horizon FROM meta WHERE id = 1";
inline constexpr const char* write_clock = "UPDATE meta SET clock = ?1, horizon = ?2 WHERE id = 1";

inline constexpr const char* find =
    "SELECT value IS NOT NULL, version FROM kv WHERE bucket = ?1 AND key = ?2";
inline constexpr const char* find_value =
    "SELECT value IS NOT NULL, version, value FROM kv WHERE bucket = ?1 AND key = ?2";
inline constexpr const char* length =
    "SELECT length(value) FROM kv WHERE bucket = ?1 AND key = ?2 AND value IS NOT NULL";
inline constexpr const char* upsert =
    "INSERT INTO kv(bucket, key, value, version) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT(bucket, key) DO UPDATE SET value = excluded.value, version = excluded.version";
inline constexpr const char* upsert_tombstone =
    "INSERT INTO kv(bucket, key, value, version) VALUES (?1, ?2, NULL, ?3) "
    "ON CONFLICT(bucket, key) DO UPDATE SET value = NULL, version = excluded.version";
inline constexpr const char* bury_bucket =
    "UPDATE kv SET value = NULL, version = ?2 WHERE bucket = ?1 AND value IS NOT NULL";
inline constexpr const char* count =
    "SELECT count(*) FROM kv WHERE bucket = ?1 AND value IS NOT NULL";
inline constexpr const char* page =
    "SELECT id, key FROM kv WHERE bucket = ?1 AND id >= ?2 AND value IS NOT NULL "
    "ORDER BY id LIMIT ?3";
inline constexpr const char* newest_purgeable =
    "SELECT max(version) FROM kv WHERE value IS NULL AND version <= ?1";
inline constexpr const char* purge = "DELETE FROM kv WHERE value IS NULL AND version <= ?1";
}  // namespace sql

}  // namespace atomkv::sqlite
