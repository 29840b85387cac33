// The backends connect() knows, by URL scheme. A backend built in adds its line here.

#include "atomkv/backend_registry.hpp"
#include "memory/memory_store.hpp"
#include "redis/cluster_store.hpp"
#include "redis/redis_store.hpp"
#include "sqlite/sqlite_store.hpp"

namespace atomkv::backend {

std::span<const scheme_entry> builtin_schemes() {
  static const scheme_entry entries[] = {
      {"memory", &memory::make_store},
      {"redis", &redis::make_store, &redis::make_store_unreached},
      {"redis+unix", &redis::make_store, &redis::make_store_unreached},
      {"redis+cluster", &redis::make_cluster_store, &redis::make_cluster_store_unreached},
      {"sqlite", &sqlite::make_store},
  };
  return entries;
}

}  // namespace atomkv::backend
