#pragma once
// redis:// and redis+unix:// — a store on one Redis server, through a connection pool shared by
// every bucket of the store.

#include <memory>

#include "atomkv/backend.hpp"
#include "atomkv/url.hpp"
#include "pool.hpp"

namespace atomkv::redis {

class redis_store final : public backend::store {
 public:
  explicit redis_store(std::shared_ptr<pool> connections) : pool_(std::move(connections)) {}
  result<std::shared_ptr<backend::bucket>> open(std::string_view identifier) override;

 private:
  std::shared_ptr<pool> pool_;
};

// Connects once before returning, so that a wrong address or password fails here.
result<std::shared_ptr<backend::store>> make_store(const store_url& url);

}  // namespace atomkv::redis
