#include "log_overlay.hpp"

#include <algorithm>
#include <cassert>

#include "connection.hpp"
#include "pending_rows.hpp"
#include "row_id.hpp"
#include "schema.hpp"

namespace atomkv::sqlite {
namespace {

// What an image costs beyond its key and value: the map's node, the strings' headers.
constexpr std::size_t kImageOverhead = 96;

std::size_t cost(std::string_view id, const key_image& image) {
  return id.size() + image.value.size() + kImageOverhead;
}

}  // namespace

const key_image* log_overlay::find(std::string_view bucket, std::string_view key) {
  if (empty()) {
    return nullptr;
  }
  assign_row_id(scratch_, bucket, key);
  auto it = images_.find(scratch_);
  return it == images_.end() ? nullptr : &it->second;
}

void log_overlay::put(std::string_view id, key_image&& image) {
  auto [it, added] = images_.try_emplace(std::string(id));
  if (!added) {
    bytes_ -= cost(it->first, it->second);
  }
  bytes_ += cost(it->first, image);
  it->second = std::move(image);
}

result<void> log_overlay::catch_up(connection& c) {
  assert(!hidden_ && "a merge is only seen after its commit");
  std::int64_t last = 0;
  std::int64_t merged = 0;
  {
    BOOST_OUTCOME_TRY(q, c.prepare(sql::log_marks));
    if (q.step() != SQLITE_ROW) {
      return failure(c.failed("reading the log's marks"));
    }
    last = q.integer(0);
    merged = q.integer(1);
  }
  if (!known_ || merged != merged_ || last < last_) {
    // Merged since (by any connection): the table holds what the overlay held.
    images_.clear();
    bytes_ = 0;
    last_ = merged;
    merged_ = merged;
    known_ = true;
  }
  if (last == last_) {
    return outcome::success();
  }
  BOOST_OUTCOME_TRY(q, c.prepare(sql::log_since));
  q.bind(1, last_);
  int code;
  while ((code = q.step()) == SQLITE_ROW) {
    const std::int64_t id = q.integer(0);
    const std::string images = q.bytes(1);
    auto read = for_each_image(
        images, [&](std::string_view row_id, key_image&& image) { put(row_id, std::move(image)); });
    if (!read) {
      known_ = false;  // partly applied: start again next time
      return failure(std::move(read).error());
    }
    last_ = id;
  }
  if (code != SQLITE_DONE) {
    known_ = false;
    return failure(c.failed("reading the log"));
  }
  return outcome::success();
}

result<void> log_overlay::merge(connection& c) {
  if (hidden_ || !known_) {
    return outcome::success();
  }
  if (images_.empty() && last_ == merged_) {
    hidden_ = true;
    return outcome::success();
  }
  // All or nothing: a merge cut short by an error leaves the table and the log as they were,
  // and the overlay in use.
  BOOST_OUTCOME_TRY(c.run(sql::savepoint_merge));
  auto written = write_all(c);
  if (!written) {
    (void)c.run(sql::rollback_to_merge);
    (void)c.run(sql::release_merge);
    return written;
  }
  BOOST_OUTCOME_TRY(c.run(sql::release_merge));
  hidden_ = true;
  return outcome::success();
}

result<void> log_overlay::write_all(connection& c) {
  // In the table's order: each page is then read and written once, with the next row's page
  // most likely still in SQLite's cache.
  struct in_order {
    std::string_view bucket;
    std::string_view key;
    const key_image* image;
  };
  std::vector<in_order> rows;
  rows.reserve(images_.size());
  for (const auto& [id, image] : images_) {
    auto split = split_row_id(id);
    assert(split && "an overlay's ids are row ids");
    rows.push_back({split->first, split->second, &image});
  }
  std::sort(rows.begin(), rows.end(), [](const in_order& a, const in_order& b) {
    return a.bucket != b.bucket ? a.bucket < b.bucket : a.key < b.key;
  });
  for (const auto& row : rows) {
    BOOST_OUTCOME_TRY(write_row(c, row.bucket, row.key, *row.image));
  }
  if (last_ != merged_) {
    BOOST_OUTCOME_TRY(c.run(sql::empty_log));
  }
  return store_marks(c, last_, last_);
}

result<void> log_overlay::store_last(connection& c, std::int64_t last) {
  // A merge of this transaction merged everything logged before it.
  return store_marks(c, last, hidden_ ? last_ : merged_);
}

result<void> log_overlay::store_marks(connection& c, std::int64_t last, std::int64_t merged) {
  BOOST_OUTCOME_TRY(q, c.prepare(sql::store_log_marks));
  q.bind(1, last).bind(2, merged);
  if (q.step() != SQLITE_DONE) {
    return failure(c.failed("storing the log's marks"));
  }
  return outcome::success();
}

void log_overlay::applied(std::int64_t last,
                          std::vector<std::pair<std::string, key_image>>&& images) {
  if (hidden_) {
    images_.clear();
    bytes_ = 0;
    merged_ = last_;
    hidden_ = false;
  }
  for (auto& [id, image] : images) {
    put(id, std::move(image));
  }
  last_ = std::max(last_, last);
}

void log_overlay::trim(std::size_t most_bytes) {
  if (bytes_ <= most_bytes) {
    return;
  }
  images_.clear();
  bytes_ = 0;
  known_ = false;
}

}  // namespace atomkv::sqlite
