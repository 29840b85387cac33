#include "atomkv/store.hpp"

#include "atomkv/backend_registry.hpp"

namespace atomkv {

result<void> bucket::remove(std::string_view key) const {
  BOOST_OUTCOME_TRY(impl_->remove(key));
  return outcome::success();
}

namespace {

result<op_result> apply_one(backend::bucket& target, const operation& op) {
  return backend::single(target.apply(std::span<const operation>(&op, 1)));
}

}  // namespace

result<void> bucket::set(std::string_view key, std::string_view value, expiry deadline) const {
  BOOST_OUTCOME_TRY(
      apply_one(*impl_, operation::set(key, value, operation::condition::always, false, deadline)));
  return outcome::success();
}

result<bool> bucket::expire(std::string_view key, expiry deadline) const {
  if (!deadline.has_deadline()) {
    return failure(error::other("expire needs a deadline: expiry::after or expiry::at"));
  }
  BOOST_OUTCOME_TRY(done, apply_one(*impl_, operation::expire(key, deadline)));
  return done.integer != 0;
}

result<bool> bucket::persist(std::string_view key) const {
  BOOST_OUTCOME_TRY(done, apply_one(*impl_, operation::persist(key)));
  return done.integer != 0;
}

result<key_expiry> bucket::time_to_live(std::string_view key) const {
  // One batch, so that both answers describe the same moment of the key.
  const operation reads[] = {operation::time_left(key), operation::deadline_of(key)};
  BOOST_OUTCOME_TRY(answers, impl_->apply(reads));
  if (answers.size() != 2) {
    return failure(error::other("backend returned " + std::to_string(answers.size()) +
                                " results for two operations"));
  }
  for (const auto& answer : answers) {
    if (answer.what == op_result::kind::error) {
      return failure(backend::to_error(answer));
    }
  }
  key_expiry found;
  found.exists = answers[0].integer != -2;
  if (found.exists && answers[0].integer >= 0 && answers[1].integer >= 0) {
    found.left = std::chrono::milliseconds(answers[0].integer);
    found.deadline_ms = answers[1].integer;
  }
  return found;
}

result<key_response> bucket::list_keys(std::optional<std::string_view> cursor) const {
  BOOST_OUTCOME_TRY(page, impl_->list_keys(cursor, backend::list_options{}));
  return key_response{std::move(page.keys), std::move(page.cursor)};
}

result<bucket> store::open(std::string_view identifier) const {
  BOOST_OUTCOME_TRY(opened, impl_->open(identifier));
  return bucket(std::move(opened));
}

result<store> connect(std::string_view url) {
  return connect(url, connect_options{});
}

result<store> connect(std::string_view url, const connect_options& options) {
  BOOST_OUTCOME_TRY(parsed, parse_store_url(url));
  for (const auto& entry : backend::builtin_schemes()) {
    if (entry.scheme == parsed.scheme) {
      auto make = !options.reach_now && entry.make_unreached ? entry.make_unreached : entry.make;
      BOOST_OUTCOME_TRY(opened, make(parsed));
      return store(std::move(opened));
    }
  }
  return failure(error::no_such_store("no backend for scheme '" + parsed.scheme + "'"));
}

std::vector<std::string> supported_schemes() {
  std::vector<std::string> schemes;
  for (const auto& entry : backend::builtin_schemes()) {
    schemes.emplace_back(entry.scheme);
  }
  return schemes;
}

}  // namespace atomkv
