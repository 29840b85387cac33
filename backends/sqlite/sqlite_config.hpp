#pragma once
// sqlite:///abs/path.db or sqlite://./relative.db, with options as the query:
//   synchronous=full|normal   when a commit counts as done (default full: fsync of the WAL)
//   busy_timeout_ms=N         how long to wait for another process's write lock (default 30000)
//   max_group=N               most requests committed by one transaction (default 1024)

#include <chrono>
#include <cstddef>
#include <string>

#include "atomkv/result.hpp"
#include "atomkv/url.hpp"

namespace atomkv::sqlite {

struct config {
  enum class sync_level { normal, full };

  std::string path;  // as given: host + path of the URL
  sync_level synchronous = sync_level::full;
  std::chrono::milliseconds busy_timeout{30000};
  std::size_t max_group = 1024;

  // How long a caller waits for its request: beyond every lock wait the writer may do.
  std::chrono::milliseconds request_timeout() const {
    return busy_timeout * 2 + std::chrono::seconds(60);
  }

  // Identifies an open database in this process: the file and every option.
  std::string identity() const;
};

// A URL with credentials, a port, an empty path or an unknown option is no-such-store.
result<config> parse_config(const store_url& url);

}  // namespace atomkv::sqlite
