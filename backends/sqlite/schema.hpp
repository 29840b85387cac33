#pragma once
// The file's layout (user_version 3). One table holds every bucket's merged rows, and a log
// holds the groups' writes not merged into it yet:
//
//   keyspace(bucket BLOB, key BLOB, value BLOB, version INTEGER, deadline INTEGER, seq INTEGER,
//            PRIMARY KEY(bucket, key)) WITHOUT ROWID
//   log(id INTEGER PRIMARY KEY, images BLOB)
//   file_state(id = 1, clock INTEGER, horizon INTEGER, expired INTEGER,
//              log_last INTEGER, merged_through INTEGER)
//
// The log: a group commits its writes as one row of final images (log_images.hpp) instead of
// rewriting each key's page of the table; with keys spread wide, that is one page per group
// instead of one per key. Every reader applies the log rows after `merged_through` over the
// table (log_overlay.hpp). The writer merges them into the table in large batches (by size, every
// 1024 groups, in every group while expired rows are behind, when idle, on open and close, and
// before any statement over many rows), empties the log and moves `merged_through` to
// `log_last`. Log ids come from `log_last`, never reused. The purges of expired rows and old
// tombstones read the table alone: they run in groups that merged, right after the merge.
//
// Versions: `file_state.clock` is a per-file write counter, read and advanced inside the write
// transaction, so versions grow across every process sharing the file. Each write stamps its row
// with the next clock value. A delete does not remove the row: it leaves a tombstone (value NULL)
// with a new version, so that a watch of a missing key (which remembers the clock at the watch)
// sees a create-then-delete as a tombstone newer than the watch (no ABA).
//
// Tombstones are purged once they are `tombstone_lag` writes old; `file_state.horizon` records
// the newest version purged, and a watch of a missing key older than the horizon conflicts: the
// only false conflict, and only for a watch that outlives that many writes to the file.
//
// Expiry: `deadline` is absolute Unix ms (NULL: none). A live row whose deadline is at or before
// now is missing for every operation. When the writer reaches such a row (on access, or in its
// bounded purge of due deadlines, kv_deadlines) it becomes a tombstone that keeps its version:
// a key that expired is no write for a watch that already saw it missing, and a watch that saw
// it live sees it missing. `file_state.expired` counts the keys removed so.
//
// A row keeps its `seq` (the version of the image that first put it in the table, by a merge)
// while it lives, tombstone included: list_keys merges the log first and pages by seq, and its
// cursor is the next seq to read, so a key live for a whole listing is listed once.
//
// Version 2 had no log, and its tables were named kv and meta: they are renamed by the migration
// so that a process of version 2 still holding the file open fails instead of missing the log.

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
inline constexpr const char* savepoint_merge = "SAVEPOINT merge";
inline constexpr const char* release_merge = "RELEASE merge";
inline constexpr const char* rollback_to_merge = "ROLLBACK TO merge";

inline constexpr const char* read_clock =
    "SELECT clock, horizon, expired FROM file_state WHERE id = 1";
inline constexpr const char* write_clock =
    "UPDATE file_state SET clock = ?1, horizon = ?2, expired = ?3 WHERE id = 1";

// Rows as the file holds them; the caller applies the deadline.
inline constexpr const char* find =
    "SELECT value IS NOT NULL, version, deadline FROM keyspace WHERE bucket = ?1 AND key = ?2";
inline constexpr const char* find_value =
    "SELECT value IS NOT NULL, version, deadline, value FROM keyspace WHERE bucket = ?1 AND key = "
    "?2";
inline constexpr const char* upsert =
    "INSERT INTO keyspace(bucket, key, value, version, deadline, seq) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?4) "
    "ON CONFLICT(bucket, key) DO UPDATE SET value = excluded.value, version = excluded.version, "
    "deadline = excluded.deadline";
inline constexpr const char* upsert_tombstone =
    "INSERT INTO keyspace(bucket, key, value, version, deadline, seq) VALUES (?1, ?2, NULL, ?3, "
    "NULL, "
    "?3) "
    "ON CONFLICT(bucket, key) DO UPDATE SET value = NULL, version = excluded.version, "
    "deadline = NULL";
// Live rows (?2 is now): value present, deadline none or later.
#define ATOMKV_SQLITE_LIVE "value IS NOT NULL AND (deadline IS NULL OR deadline > ?2)"
inline constexpr const char* bury_bucket =
    "UPDATE keyspace SET value = NULL, deadline = NULL, version = ?3 WHERE bucket = ?1 "
    "AND " ATOMKV_SQLITE_LIVE;
// Expired rows become tombstones that keep their version (see above).
inline constexpr const char* expire_bucket =
    "UPDATE keyspace SET value = NULL, deadline = NULL WHERE bucket = ?1 AND value IS NOT NULL AND "
    "deadline <= ?2";
// SWAPDB (rows::swap_databases) of buckets ?1 and ?2, their expired rows already tombstones: the
// live rows are set aside, become tombstones of version ?3 where they were (a watch of one sees
// it go, and a later return too), and each is written back in the other bucket with version ?3,
// over any row there; a new row keeps its own seq, unique in the file.
inline constexpr const char* swap_table =
    "CREATE TEMP TABLE IF NOT EXISTS swap_rows(bucket BLOB, key BLOB, value BLOB, "
    "deadline INTEGER, seq INTEGER)";
inline constexpr const char* swap_set_aside =
    "INSERT INTO temp.swap_rows SELECT bucket, key, value, deadline, seq FROM keyspace "
    "WHERE bucket IN (?1, ?2) AND value IS NOT NULL";
inline constexpr const char* swap_bury =
    "UPDATE keyspace SET value = NULL, deadline = NULL, version = ?3 WHERE bucket IN (?1, ?2) AND "
    "value IS NOT NULL";
inline constexpr const char* swap_put_back =
    "INSERT INTO keyspace(bucket, key, value, version, deadline, seq) SELECT CASE WHEN bucket = ?1 "
    "THEN ?2 ELSE ?1 END, key, value, ?3, deadline, seq FROM temp.swap_rows WHERE true "
    "ON CONFLICT(bucket, key) DO UPDATE SET value = excluded.value, version = excluded.version, "
    "deadline = excluded.deadline";
inline constexpr const char* swap_forget = "DELETE FROM temp.swap_rows";
inline constexpr const char* count =
    "SELECT count(*) FROM keyspace WHERE bucket = ?1 AND " ATOMKV_SQLITE_LIVE;
inline constexpr const char* count_expiring =
    "SELECT count(*), total(deadline - ?2) FROM keyspace WHERE bucket = ?1 AND "
    "value IS NOT NULL AND deadline > ?2";
inline constexpr const char* page =
    "SELECT seq, key FROM keyspace WHERE bucket = ?1 AND seq >= ?3 AND " ATOMKV_SQLITE_LIVE
    " ORDER BY seq LIMIT ?4";
// RANDOMKEY: the bucket's live rows counted up to ?3; when fewer, the one at a drawn offset ?3 in
// seq order (each equally likely); else the first live row from a seq drawn between the bucket's
// lowest and highest on (both read from kv_pages), or the bucket's first: a key after a long run
// of tombstones is likelier then, but no key is left out and nothing scans the whole bucket.
inline constexpr const char* count_live_capped =
    "SELECT count(*) FROM (SELECT 1 FROM keyspace WHERE bucket = ?1 AND " ATOMKV_SQLITE_LIVE
    " LIMIT ?3)";
inline constexpr const char* live_at_offset =
    "SELECT key FROM keyspace WHERE bucket = ?1 AND " ATOMKV_SQLITE_LIVE
    " ORDER BY seq LIMIT 1 OFFSET ?3";
inline constexpr const char* random_key =
    "WITH drawn(at) AS (SELECT min(seq) + (random() & 9223372036854775807) % "
    "(max(seq) - min(seq) + 1) FROM keyspace WHERE bucket = ?1) "
    "SELECT key FROM ("
    "SELECT * FROM (SELECT key, 0 AS pass FROM keyspace, drawn WHERE bucket = ?1 AND seq >= "
    "drawn.at "
    "AND " ATOMKV_SQLITE_LIVE
    " ORDER BY seq LIMIT 1) UNION ALL "
    "SELECT * FROM (SELECT key, 1 AS pass FROM keyspace WHERE bucket = ?1 AND " ATOMKV_SQLITE_LIVE
    " ORDER BY seq LIMIT 1)) ORDER BY pass LIMIT 1";
#undef ATOMKV_SQLITE_LIVE
inline constexpr const char* any_deadline =
    "SELECT 1 FROM keyspace WHERE deadline IS NOT NULL LIMIT 1";
inline constexpr const char* any_due =
    "SELECT 1 FROM keyspace WHERE deadline IS NOT NULL AND deadline <= ?1 LIMIT 1";
inline constexpr const char* purge_due =
    "UPDATE keyspace SET value = NULL, deadline = NULL WHERE (bucket, key) IN ("
    "SELECT bucket, key FROM keyspace WHERE deadline IS NOT NULL AND deadline <= ?1 "
    "ORDER BY deadline LIMIT ?2)";
inline constexpr const char* newest_purgeable =
    "SELECT max(version) FROM keyspace WHERE value IS NULL AND version <= ?1";
inline constexpr const char* purge = "DELETE FROM keyspace WHERE value IS NULL AND version <= ?1";

// The log (log_overlay.hpp).
inline constexpr const char* log_marks =
    "SELECT log_last, merged_through FROM file_state WHERE id = 1";
inline constexpr const char* store_log_marks =
    "UPDATE file_state SET log_last = ?1, merged_through = ?2 WHERE id = 1";
inline constexpr const char* log_since = "SELECT id, images FROM log WHERE id > ?1 ORDER BY id";
inline constexpr const char* append_log = "INSERT INTO log(id, images) VALUES (?1, ?2)";
inline constexpr const char* empty_log = "DELETE FROM log";
}  // namespace sql

}  // namespace atomkv::sqlite
