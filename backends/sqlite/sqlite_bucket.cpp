#include "sqlite_bucket.hpp"

#include <algorithm>
#include <charconv>

#include "atomkv/glob.hpp"
#include "schema.hpp"
#include "sqlite_transaction.hpp"

namespace atomkv::sqlite {

result<std::vector<op_result>> sqlite_bucket::read_only(std::span<const operation> ops) {
  BOOST_OUTCOME_TRY(c, db_->read());
  // One statement is its own snapshot; several need a read transaction to agree.
  const bool guarded = ops.size() > 1;
  if (guarded) {
    BOOST_OUTCOME_TRY(c->exec(sql::begin_read));
  }
  auto ran = [&]() -> result<std::vector<op_result>> {
    rows bucket(*c, name_);
    std::vector<op_result> results;
    results.reserve(ops.size());
    for (const auto& op : ops) {
      BOOST_OUTCOME_TRY(r, bucket.execute(op, nullptr));
      results.push_back(std::move(r));
    }
    return results;
  }();
  if (guarded) {
    auto ended = c->exec(sql::commit);
    if (ran && !ended) {
      return failure(std::move(ended).error());
    }
  }
  return ran;
}

result<std::vector<op_result>> sqlite_bucket::apply(std::span<const operation> ops) {
  if (ops.empty()) {
    return std::vector<op_result>();
  }
  if (std::none_of(ops.begin(), ops.end(), [](const operation& op) { return op.writes(); })) {
    return read_only(ops);
  }
  BOOST_OUTCOME_TRY(applied, db_->writer().submit(name_, {}, ops));
  if (!applied) {
    return failure(error::other("sqlite: an unconditional request reported a conflict"));
  }
  return std::move(*applied);
}

result<std::unique_ptr<backend::transaction>> sqlite_bucket::begin() {
  return std::unique_ptr<backend::transaction>(std::make_unique<sqlite_transaction>(db_, name_));
}

result<std::optional<std::string>> sqlite_bucket::get(std::string_view key) {
  BOOST_OUTCOME_TRY(c, db_->read());
  BOOST_OUTCOME_TRY(found, rows(*c, name_).find(key, true));
  if (found && found->present) {
    return std::optional<std::string>(std::move(found->value));
  }
  return std::optional<std::string>();
}

result<bool> sqlite_bucket::exists(std::string_view key) {
  BOOST_OUTCOME_TRY(c, db_->read());
  BOOST_OUTCOME_TRY(found, rows(*c, name_).find(key, false));
  return found && found->present;
}

// The cursor is the lowest row id not yet listed. A live key keeps its row id (rows are updated
// in place), so a key present for the whole listing is listed exactly once.
result<backend::key_page> sqlite_bucket::list_keys(std::optional<std::string_view> cursor,
                                                   const backend::list_options& options) {
  std::int64_t from = 0;
  if (cursor && !cursor->empty()) {
    auto [end, ec] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), from);
    if (ec != std::errc() || end != cursor->data() + cursor->size() || from < 0) {
      return failure(error::other("invalid cursor"));
    }
  }
  const auto limit = static_cast<std::int64_t>(std::max<std::size_t>(options.count_hint, 1));
  BOOST_OUTCOME_TRY(c, db_->read());
  BOOST_OUTCOME_TRY(q, c->prepare(sql::page));
  q.bind_bytes(1, name_).bind(2, from).bind(3, limit);
  backend::key_page page;
  std::int64_t rows_read = 0;
  std::int64_t last_id = 0;
  int code;
  while ((code = q.step()) == SQLITE_ROW) {
    ++rows_read;
    last_id = q.integer(0);
    std::string key = q.bytes(1);
    if (options.match.empty() || glob_match(options.match, key)) {
      page.keys.push_back(std::move(key));
    }
  }
  if (code != SQLITE_DONE) {
    return failure(c->failed("listing keys"));
  }
  if (rows_read == limit) {
    page.cursor = std::to_string(last_id + 1);
  }
  return page;
}

}  // namespace atomkv::sqlite
