#pragma once
// redis:// and redis+unix:// — a store on one Redis server. Buckets share a connection pool per
// Redis database; attached to an event loop, the store also runs an asynchronous engine there
// (async_engine.hpp) for the buckets' asynchronous forms.

#include <map>
#include <memory>
#include <mutex>

#include "atomkv/backend.hpp"
#include "atomkv/url.hpp"
#include "loop_binding.hpp"
#include "pool.hpp"

namespace atomkv::redis {

class redis_store final : public backend::store {
 public:
  explicit redis_store(std::shared_ptr<pool> connections);
  ~redis_store() override;

  result<std::shared_ptr<backend::bucket>> open(std::string_view identifier) override;
  // Database n is Redis's database (the URL's database + n), whole: no key prefix.
  result<std::shared_ptr<backend::bucket>> open_database(std::size_t n) override;

  result<void> attach_loop(uv_loop_s* loop) override;
  void detach_loop() override;

 private:
  std::shared_ptr<pool> pool_of(int db);

  const config settings_;
  std::mutex lock_;  // pools_
  std::map<int, std::shared_ptr<pool>> pools_;
  std::shared_ptr<loop_binding> loop_ = std::make_shared<loop_binding>();
};

// Connects once before returning, so that a wrong address or password fails here.
result<std::shared_ptr<backend::store>> make_store(const store_url& url);
// Checks the URL only: the first call connects (connect_options::reach_now false).
result<std::shared_ptr<backend::store>> make_store_unreached(const store_url& url);

}  // namespace atomkv::redis
