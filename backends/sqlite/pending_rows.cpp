#include "pending_rows.hpp"

#include <cassert>

#include "row_id.hpp"
#include "schema.hpp"

namespace atomkv::sqlite {
namespace {

std::pair<std::string_view, std::string_view> split(const std::string& id) {
  auto split = split_row_id(id);
  assert(split && "pending ids are row ids");
  return *split;
}

key_image image_of(const pending_rows::entry& e) {
  return key_image{e.present, e.version, e.deadline, e.present ? e.value : std::string()};
}

}  // namespace

result<void> write_row(connection& c, std::string_view bucket, std::string_view key,
                       const key_image& image) {
  if (image.present) {
    BOOST_OUTCOME_TRY(q, c.prepare(sql::upsert));
    q.bind_bytes(1, bucket).bind_bytes(2, key).bind_bytes(3, image.value).bind(4, image.version);
    if (image.deadline) {
      q.bind(5, *image.deadline);
    } else {
      q.bind_null(5);
    }
    if (q.step() != SQLITE_DONE) {
      return failure(c.failed("writing a key"));
    }
    return outcome::success();
  }
  BOOST_OUTCOME_TRY(q, c.prepare(sql::upsert_tombstone));
  q.bind_bytes(1, bucket).bind_bytes(2, key).bind(3, image.version);
  if (q.step() != SQLITE_DONE) {
    return failure(c.failed("deleting a key"));
  }
  return outcome::success();
}

std::string& pending_rows::composite(std::string_view bucket, std::string_view key) {
  assign_row_id(scratch_, bucket, key);
  return scratch_;
}

const pending_rows::entry* pending_rows::find(std::string_view bucket, std::string_view key) {
  auto it = entries_.find(composite(bucket, key));
  return it == entries_.end() ? nullptr : &it->second;
}

void pending_rows::remember(std::string_view bucket, std::string_view key, entry clean) {
  clean.dirty = false;
  const std::string& id = composite(bucket, key);
  if (entries_.find(id) != entries_.end()) {
    return;  // this group's own entry is newer than the file
  }
  journal(id);
  entries_.emplace(id, std::move(clean));
}

void pending_rows::write(std::string_view bucket, std::string_view key,
                         std::optional<std::string_view> value, std::int64_t version,
                         std::optional<std::int64_t> deadline) {
  const std::string& id = composite(bucket, key);
  journal(id);
  entry& e = entries_[id];
  if (!e.dirty) {
    ++dirty_;
  }
  e.has_row = true;
  e.present = value.has_value();
  e.version = version;
  e.deadline = value ? deadline : std::nullopt;
  e.value.assign(value.value_or(std::string_view()));
  e.dirty = true;
}

result<void> pending_rows::flush(connection& c) {
  if (dirty_ == 0) {
    return outcome::success();
  }
  for (auto& [id, e] : entries_) {
    if (!e.dirty) {
      continue;
    }
    auto [bucket, key] = split(id);
    BOOST_OUTCOME_TRY(write_row(c, bucket, key, image_of(e)));
    note_deadline(e);
    // Journaled requests may still be undone: a clean entry restored dirty is written again.
    e.dirty = false;
    --dirty_;
  }
  return outcome::success();
}

std::vector<std::pair<std::string, key_image>> pending_rows::take_dirty() {
  std::vector<std::pair<std::string, key_image>> taken;
  taken.reserve(dirty_);
  for (auto& [id, e] : entries_) {
    if (e.dirty) {
      note_deadline(e);
      taken.emplace_back(id, key_image{e.present, e.version, e.deadline,
                                       e.present ? std::move(e.value) : std::string()});
    }
  }
  const bool wrote_deadline = wrote_deadline_;
  clear();
  wrote_deadline_ = wrote_deadline;
  return taken;
}

void pending_rows::forget_bucket(std::string_view bucket) {
  const std::uint64_t bucket_size = bucket.size();
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto [b, k] = split(it->first);
    if (b.size() == bucket_size && b == bucket) {
      journal(it->first);
      dirty_ -= it->second.dirty ? 1 : 0;
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

void pending_rows::clear() {
  entries_.clear();
  dirty_ = 0;
  wrote_deadline_ = false;
  journaling_ = false;
  journal_.clear();
  journaled_.clear();
}

void pending_rows::begin_request() {
  end_request();
  journaling_ = true;
}

void pending_rows::journal(const std::string& id) {
  if (!journaling_) {
    return;
  }
  if (!journaled_.insert(id).second) {
    return;  // the state before the request is what counts
  }
  auto it = entries_.find(id);
  journal_.emplace_back(id, it == entries_.end() ? std::nullopt : std::optional(it->second));
}

void pending_rows::undo_request() {
  for (auto it = journal_.rbegin(); it != journal_.rend(); ++it) {
    auto found = entries_.find(it->first);
    if (found != entries_.end()) {
      dirty_ -= found->second.dirty ? 1 : 0;
      entries_.erase(found);
    }
    if (it->second) {
      dirty_ += it->second->dirty ? 1 : 0;
      entries_.emplace(it->first, std::move(*it->second));
    }
  }
  end_request();
}

void pending_rows::end_request() {
  journaling_ = false;
  journal_.clear();
  journaled_.clear();
}

}  // namespace atomkv::sqlite
