#include "memory_store.hpp"

namespace atomkv::memory {

memory_store::memory_store() : expirer_([this] { return buckets(); }) {}

result<std::shared_ptr<backend::bucket>> memory_store::open(std::string_view identifier) {
  std::lock_guard guard(lock_);
  auto& slot = buckets_[std::string(identifier)];
  if (!slot) {
    slot = std::make_shared<keyspace>(expired_);
  }
  return std::shared_ptr<backend::bucket>(slot);
}

std::vector<std::shared_ptr<keyspace>> memory_store::buckets() {
  std::lock_guard guard(lock_);
  std::vector<std::shared_ptr<keyspace>> all;
  all.reserve(buckets_.size());
  for (const auto& [name, space] : buckets_) {
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
