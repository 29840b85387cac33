#include "pool.hpp"

#include <algorithm>

namespace atomkv::redis {

pool::lease& pool::lease::operator=(lease&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    conn_ = std::move(other.conn_);
  }
  return *this;
}

void pool::lease::release() {
  if (owner_ != nullptr && conn_ != nullptr) {
    owner_->give_back(std::move(conn_));
  }
  owner_ = nullptr;
  conn_.reset();
}

result<pool::lease> pool::acquire() {
  std::unique_lock guard(lock_);
  const auto deadline = clock::now() + settings_.pool_wait;
  for (;;) {
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return lease(this, std::move(conn));
    }
    if (open_ < settings_.pool_size) {
      if (last_connect_error_ && clock::now() < retry_at_) {
        error refused = *last_connect_error_;
        refused.message += " (reconnecting with backoff)";
        return failure(std::move(refused));
      }
      ++open_;
      guard.unlock();
      auto opened = connection::open(settings_);
      guard.lock();
      if (!opened) {
        --open_;
        backoff_ = backoff_.count() == 0 ? settings_.backoff_first
                                         : std::min(backoff_ * 2, settings_.backoff_last);
        retry_at_ = clock::now() + backoff_;
        last_connect_error_ = opened.error();
        returned_.notify_one();  // a waiter may try in our place later
        return failure(std::move(opened).error());
      }
      backoff_ = std::chrono::milliseconds(0);
      last_connect_error_.reset();
      return lease(this, std::move(opened).value());
    }
    if (returned_.wait_until(guard, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= settings_.pool_size) {
      return failure(error::other("redis: all " + std::to_string(settings_.pool_size) +
                                  " connections to " + settings_.endpoint() + " busy for " +
                                  std::to_string(settings_.pool_wait.count()) + " ms"));
    }
  }
}

void pool::give_back(std::unique_ptr<connection> conn) {
  std::vector<std::unique_ptr<connection>> closing;
  {
    std::lock_guard guard(lock_);
    if (conn->broken()) {
      closing.swap(idle_);
      closing.push_back(std::move(conn));
      open_ -= closing.size();
      returned_.notify_all();
    } else {
      idle_.push_back(std::move(conn));
      returned_.notify_one();
    }
  }
  // Closed here, outside the lock.
}

}  // namespace atomkv::redis
