#include "redis_bucket.hpp"

#include "async_transaction.hpp"
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
  auto call = apply_call::for_apply(prefix_, db_, ops);
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
  auto call = apply_call::for_apply(prefix_, db_, std::span<const operation>(&op, 1));
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
  if (loop_->engine) {
    return std::unique_ptr<backend::transaction>(
        std::make_unique<async_transaction>(loop_->engine, db_, prefix_, pool_));
  }
  return std::unique_ptr<backend::transaction>(
      std::make_unique<redis_transaction>(pool_, prefix_, db_));
}

void redis_bucket::apply_async(std::span<const operation> ops, std::uint64_t lane,
                               backend::apply_done done) {
  if (!loop_->engine) {
    done(apply(ops));
    return;
  }
  if (ops.empty()) {
    done(std::vector<op_result>());
    return;
  }
  loop_->engine->send(
      db_, lane,
      bind_call(apply_call::for_apply(prefix_, db_, ops),
                [done = std::move(done)](result<std::optional<std::vector<op_result>>> applied) {
                  if (!applied) {
                    done(failure(std::move(applied).error()));
                  } else if (!applied.value()) {
                    done(failure(error::other("redis: EXEC aborted without a watch")));
                  } else {
                    done(std::move(*applied.value()));
                  }
                }));
}

void redis_bucket::list_keys_async(std::optional<std::string_view> cursor,
                                   const backend::list_options& options, backend::list_done done) {
  if (!loop_->engine) {
    done(list_keys(cursor, options));
    return;
  }
  // SCAN is read-only: any lane keeps the contract (the caller waits for its writes first).
  loop_->engine->send(db_, 0, bind_call(scan_call(prefix_, cursor, options), std::move(done)));
}

result<backend::key_page> redis_bucket::list_keys(std::optional<std::string_view> cursor,
                                                  const backend::list_options& options) {
  scan_call call(prefix_, cursor, options);
  BOOST_OUTCOME_TRY(run(*pool_, call));
  return call.finish();
}

}  // namespace atomkv::redis
