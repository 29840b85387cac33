#pragma once
// The rows the group being committed has read or written, kept in memory until just before its
// COMMIT, where they become the group's log row (take_dirty), or go to the table before a
// statement over many rows (flush). A key written many times in one group (a hot counter, fifty
// clients setting one key) then costs one image at the end instead of one or two statements per
// write, and a read in the group sees the group's earlier writes without asking SQLite. Valid only
// inside one write transaction: the writer clears it at every group's start and end, since another
// process may write between groups.
//
// A request of several operations can be undone alone (a SQLite error in its middle): the
// entries it changed are journaled and restored.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "atomkv/result.hpp"
#include "connection.hpp"
#include "log_images.hpp"

namespace atomkv::sqlite {

class pending_rows {
 public:
  struct entry {
    bool has_row = false;  // the file has a row for the key (live or tombstone), or will
    bool present = false;  // live; false: a tombstone, or no row at all
    std::int64_t version = 0;
    std::optional<std::int64_t> deadline;  // Unix ms, live rows only
    std::string value;
    bool dirty = false;  // differs from the file: written by take_dirty() or flush()
  };

  // The entry for `key` of `bucket`, if this group has read or written it.
  const entry* find(std::string_view bucket, std::string_view key);

  // Remembers what the file holds for a key this group had not touched.
  void remember(std::string_view bucket, std::string_view key, entry clean);

  // A write of this group: a live value with its deadline, or a tombstone (`value` null).
  void write(std::string_view bucket, std::string_view key, std::optional<std::string_view> value,
             std::int64_t version, std::optional<std::int64_t> deadline = std::nullopt);

  // Writes every dirty entry to the keyspace table (inside the caller's transaction); they
  // stay, clean.
  result<void> flush(connection& c);

  // The dirty entries as images keyed by row id (row_id.hpp), for the group's log row, their
  // values moved out; the group is over, so every entry goes (wrote_deadline() stays).
  std::vector<std::pair<std::string, key_image>> take_dirty();

  // Forgets every entry of `bucket`, after a statement changed its rows in the file directly.
  void forget_bucket(std::string_view bucket);

  bool has_dirty() const { return dirty_ != 0; }
  // Whether take_dirty() or a flush since the last clear() wrote a row with a deadline.
  bool wrote_deadline() const { return wrote_deadline_; }
  void clear();

  // Journal of one request: what begin_request .. undo_request changed is put back by undo.
  void begin_request();
  void undo_request();
  void end_request();

 private:
  std::string& composite(std::string_view bucket, std::string_view key);
  void note_deadline(const entry& e) { wrote_deadline_ = wrote_deadline_ || e.deadline; }
  void journal(const std::string& id);

  std::unordered_map<std::string, entry> entries_;
  std::size_t dirty_ = 0;
  bool wrote_deadline_ = false;
  std::string scratch_;  // the last composite key: buckets and keys may hold any byte
  bool journaling_ = false;
  std::vector<std::pair<std::string, std::optional<entry>>> journal_;
  std::unordered_set<std::string> journaled_;  // the keys in journal_
};

// Writes one row's image into the keyspace table, over any row of the key there (which keeps its
// seq; a new row's seq is its version).
result<void> write_row(connection& c, std::string_view bucket, std::string_view key,
                       const key_image& image);

}  // namespace atomkv::sqlite
