#pragma once
// A thread-safe pool of at most pool_size connections. acquire() hands out an idle connection,
// or opens a new one while under the limit, or waits (until pool_wait) for one to come back.
// After a failed connect, new connects are refused until a backoff has passed (doubling up to
// backoff_last, reset by the next success), so that a dead server costs callers one fast error
// instead of a connect timeout each. A broken connection is closed, never reused; since its
// idle siblings most likely died with it (a server restart), they are closed as well.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "atomkv/result.hpp"
#include "connection.hpp"
#include "redis_config.hpp"

namespace atomkv::redis {

class pool {
 public:
  // A connection on loan; going out of scope gives it back (or closes it if it broke).
  class lease {
   public:
    lease() = default;
    lease(lease&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), conn_(std::move(other.conn_)) {}
    lease& operator=(lease&& other) noexcept;
    ~lease() { release(); }

    connection* operator->() const { return conn_.get(); }
    connection& operator*() const { return *conn_; }
    explicit operator bool() const { return conn_ != nullptr; }
    void release();

   private:
    friend class pool;
    lease(pool* owner, std::unique_ptr<connection> conn) : owner_(owner), conn_(std::move(conn)) {}

    pool* owner_ = nullptr;
    std::unique_ptr<connection> conn_;
  };

  explicit pool(config settings) : settings_(std::move(settings)) {}
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  result<lease> acquire();
  const config& settings() const { return settings_; }

 private:
  using clock = std::chrono::steady_clock;
  void give_back(std::unique_ptr<connection> conn);

  const config settings_;
  std::mutex lock_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<connection>> idle_;
  std::size_t open_ = 0;  // idle + leased + being connected
  clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_{0};
  std::optional<error> last_connect_error_;
};

}  // namespace atomkv::redis
