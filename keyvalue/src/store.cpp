#include "atomkv/store.hpp"

#include "atomkv/backend_registry.hpp"

namespace atomkv {

result<void> bucket::remove(std::string_view key) const {
  BOOST_OUTCOME_TRY(impl_->remove(key));
  return outcome::success();
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
