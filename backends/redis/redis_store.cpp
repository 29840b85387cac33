#include "redis_store.hpp"

#include "redis_bucket.hpp"

namespace atomkv::redis {

redis_store::redis_store(std::shared_ptr<pool> connections) : settings_(connections->settings()) {
  pools_.emplace(settings_.db, std::move(connections));
}

redis_store::~redis_store() {
  detach_loop();
}

std::shared_ptr<pool> redis_store::pool_of(int db) {
  std::lock_guard guard(lock_);
  auto& slot = pools_[db];
  if (!slot) {
    config settings = settings_;
    settings.db = db;
    slot = std::make_shared<pool>(std::move(settings));  // connects on first use
  }
  return slot;
}

result<std::shared_ptr<backend::bucket>> redis_store::open(std::string_view identifier) {
  std::string prefix(identifier);
  if (!prefix.empty()) {
    prefix.push_back(':');
  }
  return std::shared_ptr<backend::bucket>(
      std::make_shared<redis_bucket>(pool_of(settings_.db), prefix, settings_.db, loop_));
}

result<std::shared_ptr<backend::bucket>> redis_store::open_database(std::size_t n) {
  if (n > static_cast<std::size_t>(1 << 20)) {
    return failure(error::no_such_store("redis: database " + std::to_string(n) + " out of range"));
  }
  const int db = settings_.db + static_cast<int>(n);
  return std::shared_ptr<backend::bucket>(
      std::make_shared<redis_bucket>(pool_of(db), std::string(), db, loop_));
}

result<void> redis_store::attach_loop(uv_loop_s* loop) {
  if (loop_->engine) {
    return failure(error::other("redis: already attached to an event loop"));
  }
  auto engine = std::make_shared<async_engine>(loop, settings_);
  BOOST_OUTCOME_TRY(engine->start());
  loop_->engine = std::move(engine);
  return outcome::success();
}

void redis_store::detach_loop() {
  if (auto engine = std::move(loop_->engine)) {
    loop_->engine = nullptr;
    engine->stop(error::other("redis: detached from the event loop"));
  }
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

result<std::shared_ptr<backend::store>> make_store_unreached(const store_url& url) {
  BOOST_OUTCOME_TRY(settings, parse_config(url));
  auto connections = std::make_shared<pool>(std::move(settings));
  return std::shared_ptr<backend::store>(std::make_shared<redis_store>(std::move(connections)));
}

}  // namespace atomkv::redis
