#pragma once
// memory:// — the embedded default: buckets live in this process and vanish with it.

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "atomkv/backend.hpp"
#include "atomkv/url.hpp"
#include "keyspace.hpp"

namespace atomkv::memory {

class memory_store final : public backend::store {
 public:
  result<std::shared_ptr<backend::bucket>> open(std::string_view identifier) override;

 private:
  std::mutex lock_;  // only open() takes it; operations go straight to a keyspace
  std::unordered_map<std::string, std::shared_ptr<keyspace>> buckets_;
};

result<std::shared_ptr<backend::store>> make_store(const store_url& url);

}  // namespace atomkv::memory
