#pragma once
// memory:// — the embedded default: buckets live in this process and vanish with it.
//
// Keys with a deadline are reclaimed when touched (see keyspace.hpp) and, for those nobody
// touches, by the store's active_expiry thread, which runs from construction to destruction
// whether or not an event loop is attached. A bucket handle that outlives its store keeps only
// the lazy half.

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "active_expiry.hpp"
#include "atomkv/backend.hpp"
#include "atomkv/url.hpp"
#include "keyspace.hpp"

namespace atomkv::memory {

class memory_store final : public backend::store {
 public:
  memory_store();
  result<std::shared_ptr<backend::bucket>> open(std::string_view identifier) override;

 private:
  std::vector<std::shared_ptr<keyspace>> buckets();

  // Its lock: only open() and the expiry thread's start of cycle take it.
  std::shared_ptr<keyspace_registry> registry_ = std::make_shared<keyspace_registry>();
  // Keys expired in any bucket of this store (INFO stats expired_keys).
  std::shared_ptr<keyspace::expired_counter> expired_ =
      std::make_shared<keyspace::expired_counter>(0);
  active_expiry expirer_;  // last: its thread stops before the buckets go
};

result<std::shared_ptr<backend::store>> make_store(const store_url& url);

}  // namespace atomkv::memory
