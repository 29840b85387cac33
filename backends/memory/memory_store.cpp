#include "memory_store.hpp"

namespace atomkv::memory {

memory_store::memory_store() : expirer_([this] { return buckets(); }) {}

result<std::shared_ptr<backend::bucket>> memory_store::open(std::string_view identifier) {
  return std::shared_ptr<backend::bucket>(keyspace::open_in(registry_, identifier, expired_));
}

std::vector<std::shared_ptr<keyspace>> memory_store::buckets() {
  std::lock_guard guard(registry_->lock);
  std::vector<std::shared_ptr<keyspace>> all;
  all.reserve(registry_->buckets.size());
  for (const auto& [name, space] : registry_->buckets) {
    all.push_back(space);
  }
  return all;
}

result<std::shared_ptr<backend::store>> make_store(const store_url& url) {
  if (!url.host.empty() || (!url.path.empty() && url.path != "/")) {
    return failure(error::no_such_store("memory:// takes no host or path"));
  }
  return std::shared_ptr<backend::store>(std::make_shared<memory_store>());
}

}  // namespace atomkv::memory
