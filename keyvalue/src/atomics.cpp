#include "atomkv/atomics.hpp"

namespace atomkv::atomics {

result<std::int64_t> increment(const bucket& bucket, std::string_view key, std::int64_t delta) {
  return bucket.backend().increment(key, delta);
}

namespace {

// Watches `key` on `txn` and reads its value in the same step.
result<std::optional<std::string>> watch_and_read(backend::transaction& txn, std::string_view key) {
  BOOST_OUTCOME_TRY(values, txn.watch(std::span<const std::string_view>(&key, 1), true));
  if (values.size() != 1) {
    return failure(error::other("backend returned no value for a watched key"));
  }
  return std::move(values.front());
}

}  // namespace

result<cas> cas::make(const bucket& bucket, std::string_view key) {
  BOOST_OUTCOME_TRY(txn, bucket.backend().begin());
  BOOST_OUTCOME_TRY(captured, watch_and_read(*txn, key));
  return cas(std::string(key), std::move(txn), std::move(captured));
}

result<void, cas_error> swap(cas&& handle, std::string_view value, expiry deadline) {
  cas spent = std::move(handle);
  const operation write =
      operation::set(spent.key_, value, operation::condition::always, false, deadline);
  auto committed = spent.txn_->commit(std::span<const operation>(&write, 1));
  if (!committed) {
    return failure(cas_error(std::move(committed).error()));
  }
  if (committed.value().has_value()) {
    auto& results = *committed.value();
    if (results.size() == 1 && results.front().what == op_result::kind::error) {
      return failure(cas_error(backend::to_error(results.front())));
    }
    return outcome::success();
  }
  // Conflict: refresh on the same transaction (on Redis, the same connection) and hand it back.
  auto refreshed = watch_and_read(*spent.txn_, spent.key_);
  if (!refreshed) {
    return failure(cas_error(std::move(refreshed).error()));
  }
  return failure(
      cas_error(cas(std::move(spent.key_), std::move(spent.txn_), std::move(refreshed).value())));
}

}  // namespace atomkv::atomics
