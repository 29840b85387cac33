#include "atomkv/batch.hpp"

namespace atomkv::batch {

result<std::vector<std::optional<key_value>>> get_many(const bucket& bucket,
                                                       std::span<const std::string> keys) {
  std::vector<operation> ops;
  ops.reserve(keys.size());
  for (const auto& key : keys) {
    ops.push_back(operation::get(key));
  }
  BOOST_OUTCOME_TRY(results, bucket.backend().apply_batch(ops));
  std::vector<std::optional<key_value>> found(keys.size());
  for (std::size_t i = 0; i < keys.size() && i < results.size(); ++i) {
    if (results[i].what == op_result::kind::error) {
      return failure(backend::to_error(results[i]));
    }
    if (results[i].what == op_result::kind::value) {
      found[i].emplace(keys[i], std::move(results[i].text));
    }
  }
  return found;
}

namespace {

result<void> apply_all(const bucket& bucket, std::span<const operation> ops) {
  if (ops.empty()) {
    return outcome::success();
  }
  BOOST_OUTCOME_TRY(results, bucket.backend().apply_batch(ops));
  for (const auto& r : results) {
    if (r.what == op_result::kind::error) {
      return failure(backend::to_error(r));
    }
  }
  return outcome::success();
}

}  // namespace

result<void> set_many(const bucket& bucket, std::span<const key_value> key_values) {
  std::vector<operation> ops;
  ops.reserve(key_values.size());
  for (const auto& [key, value] : key_values) {
    ops.push_back(operation::set(key, value));
  }
  return apply_all(bucket, ops);
}

result<void> delete_many(const bucket& bucket, std::span<const std::string> keys) {
  std::vector<operation> ops;
  ops.reserve(keys.size());
  for (const auto& key : keys) {
    ops.push_back(operation::remove(key));
  }
  return apply_all(bucket, ops);
}

}  // namespace atomkv::batch
