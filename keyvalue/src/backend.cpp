#include "atomkv/backend.hpp"

namespace atomkv::backend {

error to_error(const op_result& failed) {
  std::string_view line = failed.text;
  if (line.starts_with("ERR ")) {
    line.remove_prefix(4);
  }
  return error::other(std::string(line));
}

result<op_result> single(result<std::vector<op_result>> applied) {
  if (!applied) {
    return failure(std::move(applied).error());
  }
  auto& results = applied.value();
  if (results.size() != 1) {
    return failure(error::other("backend returned " + std::to_string(results.size()) +
                                " results for one operation"));
  }
  if (results.front().what == op_result::kind::error) {
    return failure(to_error(results.front()));
  }
  return std::move(results.front());
}

namespace {

result<op_result> apply_one(bucket& target, const operation& op) {
  return single(target.apply(std::span<const operation>(&op, 1)));
}

}  // namespace

result<std::optional<std::string>> bucket::get(std::string_view key) {
  BOOST_OUTCOME_TRY(got, apply_one(*this, operation::get(key)));
  if (got.what == op_result::kind::value) {
    return std::optional<std::string>(std::move(got.text));
  }
  return std::optional<std::string>();
}

result<void> bucket::set(std::string_view key, std::string_view value) {
  BOOST_OUTCOME_TRY(apply_one(*this, operation::set(key, value)));
  return outcome::success();
}

result<bool> bucket::remove(std::string_view key) {
  BOOST_OUTCOME_TRY(removed, apply_one(*this, operation::remove(key)));
  return removed.integer != 0;
}

result<bool> bucket::exists(std::string_view key) {
  BOOST_OUTCOME_TRY(found, apply_one(*this, operation::exists(key)));
  return found.integer != 0;
}

result<std::int64_t> bucket::increment(std::string_view key, std::int64_t delta) {
  BOOST_OUTCOME_TRY(sum, apply_one(*this, operation::increment(key, delta)));
  return sum.integer;
}

}  // namespace atomkv::backend
