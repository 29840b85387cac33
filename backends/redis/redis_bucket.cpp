#include "redis_bucket.hpp"

#include "commands.hpp"
#include "redis_transaction.hpp"

namespace atomkv::redis {
namespace {

template <class Call>
result<void> run(pool& connections, Call& call) {
  BOOST_OUTCOME_TRY(conn, connections.acquire());
  return conn->exchange(call.command(), call);
}

}  // namespace

result<std::vector<op_result>> redis_bucket::apply(std::span<const operation> ops) {
  if (ops.empty()) {
    return std::vector<op_result>();
  }
  auto call = apply_call::for_apply(prefix_, ops);
  BOOST_OUTCOME_TRY(run(*pool_, call));
  BOOST_OUTCOME_TRY(applied, call.finish());
  if (!applied) {
    // No WATCH was sent on this connection, so EXEC cannot answer nil.
    return failure(error::other("redis: EXEC aborted without a watch"));
  }
  return std::move(*applied);
}

result<std::int64_t> redis_bucket::increment(std::string_view key, std::int64_t delta) {
  const operation op = operation::increment(key, delta);
  auto call = apply_call::for_apply(prefix_, std::span<const operation>(&op, 1));
  BOOST_OUTCOME_TRY(run(*pool_, call));
  BOOST_OUTCOME_TRY(applied, call.finish());
  const op_result& sum = applied->front();
  if (sum.what == op_result::kind::error) {
    return failure(backend::to_error(sum));
  }
  if (sum.what != op_result::kind::integer) {
    return failure(error::other("redis: INCRBY answered a non-integer"));
  }
  return sum.integer;
}

result<std::unique_ptr<backend::transaction>> redis_bucket::begin() {
  return std::unique_ptr<backend::transaction>(std::make_unique<redis_transaction>(pool_, prefix_));
}

result<backend::key_page> redis_bucket::list_keys(std::optional<std::string_view> cursor,
                                                  const backend::list_options& options) {
  scan_call call(prefix_, cursor, options);
  BOOST_OUTCOME_TRY(run(*pool_, call));
  return call.finish();
}

}  // namespace atomkv::redis
