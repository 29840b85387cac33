#include "redis_transaction.hpp"

namespace atomkv::redis {

result<void> redis_transaction::ensure_connection() {
  if (!lease_) {
    BOOST_OUTCOME_TRY(leased, pool_->acquire());
    lease_ = std::move(leased);
  }
  return outcome::success();
}

result<void> redis_transaction::exchange(const request& req, reply_sink& sink) {
  auto sent = lease_->exchange(req, sink);
  if (!sent) {
    watches_lost_ = watches_lost_ || watching_;
    watching_ = false;
    lease_.release();  // broken: the pool closes it
  }
  return sent;
}

result<std::vector<std::optional<std::string>>> redis_transaction::watch(
    std::span<const std::string_view> keys, bool read_values) {
  BOOST_OUTCOME_TRY(ensure_connection());
  watch_call call(prefix_, keys, read_values);
  watching_ = watching_ || !keys.empty();  // a broken exchange may have set some of them
  BOOST_OUTCOME_TRY(exchange(call.command(), call));
  return call.finish();
}

result<std::optional<std::vector<op_result>>> redis_transaction::commit(
    std::span<const operation> ops) {
  if (watches_lost_) {
    // A new connection would run MULTI/EXEC without the watches: an unconditional write.
    watches_lost_ = false;
    return failure(error::other("connection lost: watches released, nothing applied"));
  }
  BOOST_OUTCOME_TRY(ensure_connection());
  auto call = apply_call::for_commit(prefix_, db_, ops);
  BOOST_OUTCOME_TRY(exchange(call.command(), call));
  watching_ = false;  // EXEC, even a failed one, drops every watch of the connection
  auto committed = call.finish();
  if (!committed || committed.value().has_value()) {
    lease_.release();
  }
  return committed;
}

result<void> redis_transaction::unwatch() {
  watches_lost_ = false;
  if (!lease_) {
    return outcome::success();
  }
  if (watching_) {
    unwatch_call call;
    BOOST_OUTCOME_TRY(exchange(call.command(), call));
    watching_ = false;
    BOOST_OUTCOME_TRY(call.finish());
  }
  lease_.release();
  return outcome::success();
}

}  // namespace atomkv::redis
