#pragma once
// What one connection has read of the file's log (schema.hpp, version 3): each key's newest
// image among the log rows not merged into the keyspace table yet. Every read of a key looks
// here before the table, so the rows a group logged read as if they were in the table.
//
// Each connection keeps its own: caught up inside each of its transactions (catch_up, after
// BEGIN), it holds exactly the log of that transaction's snapshot. The writer adds its group's
// images only once the group has committed (applied), so a rollback leaves it as it was.
//
// A merge (in the writer's transaction) writes every image into the table and empties the log;
// the overlay is then hidden until the commit clears it (or the rollback shows it again), since
// statements of the same transaction may change the table's rows after the merge.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "atomkv/result.hpp"
#include "log_images.hpp"

namespace atomkv::sqlite {

class connection;

class log_overlay {
 public:
  // The key's newest logged image, if the log holds one and no merge of this transaction hid it.
  const key_image* find(std::string_view bucket, std::string_view key);

  // Reads the log rows this overlay lacks (inside a transaction); after a merge by any
  // connection, starts again from the rows left.
  result<void> catch_up(connection& c);

  // Whether the visible overlay holds nothing: the table and the transaction's own pending rows
  // are then the whole file.
  bool empty() const { return hidden_ || images_.empty(); }
  std::size_t size() const { return images_.size(); }
  std::size_t bytes() const { return bytes_; }

  // The writer's side, inside its transaction. The next free log id.
  std::int64_t next_id() const { return last_ + 1; }
  // Writes every image into the table, empties the log and stores the marks, all or nothing (a
  // savepoint); then hides the overlay. Nothing to do once hidden.
  result<void> merge(connection& c);
  // Stores the log's marks after the writer appended rows up to `last`.
  result<void> store_last(connection& c, std::int64_t last);

  // After the writer's COMMIT: a merge of this transaction takes effect, then `images` (the
  // group's log rows, up to `last`) are added.
  void applied(std::int64_t last, std::vector<std::pair<std::string, key_image>>&& images);
  // After a failed transaction: as before it.
  void rolled_back() { hidden_ = false; }

  // Forgets everything (the next catch_up reads the log again): a reader given back to the pool
  // keeps no more than `most_bytes`.
  void trim(std::size_t most_bytes);

 private:
  void put(std::string_view id, key_image&& image);
  result<void> write_all(connection& c);
  result<void> store_marks(connection& c, std::int64_t last, std::int64_t merged);

  std::unordered_map<std::string, key_image> images_;
  std::size_t bytes_ = 0;
  std::int64_t last_ = 0;    // the newest log id read (or written)
  std::int64_t merged_ = 0;  // the file's merged_through at the last catch_up
  bool known_ = false;       // whether last_ and merged_ were read at all
  bool hidden_ = false;      // merged in this transaction
  std::string scratch_;
};

}  // namespace atomkv::sqlite
