#include "redis_store.hpp"

#include "redis_bucket.hpp"

namespace atomkv::redis {

result<std::shared_ptr<backend::bucket>> redis_store::open(std::string_view identifier) {
  std::string prefix(identifier);
  if (!prefix.empty()) {
    prefix.push_back(':');
  }
  return std::shared_ptr<backend::bucket>(std::make_shared<redis_bucket>(pool_, prefix));
}

result<std::shared_ptr<backend::store>> make_store(const store_url& url) {
  BOOST_OUTCOME_TRY(settings, parse_config(url));
  auto connections = std::make_shared<pool>(std::move(settings));
  auto first = connections->acquire();  // given back to the pool at once
  if (!first) {
    return failure(std::move(first).error());
  }
  return std::shared_ptr<backend::store>(std::make_shared<redis_store>(std::move(connections)));
}

}  // namespace atomkv::redis
