#include "sqlite_transaction.hpp"

#include "schema.hpp"

namespace atomkv::sqlite {

result<std::vector<std::optional<std::string>>> sqlite_transaction::watch(
    std::span<const std::string_view> keys, bool read_values) {
  BOOST_OUTCOME_TRY(c, db_->read());
  BOOST_OUTCOME_TRY(c->exec(sql::begin_read));
  // The clock and the keys are read in one snapshot, so the watch and the values agree.
  auto watched = [&]() -> result<std::vector<std::optional<std::string>>> {
    BOOST_OUTCOME_TRY(clock, read_clock(*c));
    rows bucket(*c, bucket_);
    std::vector<std::optional<std::string>> values(read_values ? keys.size() : 0);
    std::vector<watched_key> added;
    added.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      BOOST_OUTCOME_TRY(w, bucket.watch(keys[i], clock.clock, read_values ? &values[i] : nullptr));
      added.push_back(std::move(w));
    }
    watches_.insert(watches_.end(), std::make_move_iterator(added.begin()),
                    std::make_move_iterator(added.end()));
    return values;
  }();
  auto ended = c->exec(sql::commit);
  if (watched && !ended) {
    return failure(std::move(ended).error());
  }
  return watched;
}

result<std::optional<std::vector<op_result>>> sqlite_transaction::commit(
    std::span<const operation> ops) {
  std::vector<watched_key> watches = std::move(watches_);
  watches_.clear();
  return db_->writer().submit(bucket_, watches, ops);
}

}  // namespace atomkv::sqlite
