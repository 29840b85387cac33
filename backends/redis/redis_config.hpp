#pragma once
// Where and how to reach Redis, from a store URL:
//   redis://[user:password@]host[:port][/db][?option=value&...]
//   redis+unix://[user:password@]/path/to.sock[?db=N&password=...&...]
// Options: connect_timeout_ms, command_timeout_ms, probe_after_ms, pool_size, pool_wait_ms,
// shared_connections, user, password, db.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "atomkv/result.hpp"
#include "atomkv/url.hpp"

namespace atomkv::redis {

struct config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string unix_path;  // set: connect over this Unix socket instead of TCP
  std::optional<std::string> user;
  std::optional<std::string> password;
  int db = 0;

  std::chrono::milliseconds connect_timeout{2000};
  // Blocking connections (the pool): how long a caller waits for a reply before giving up, with
  // an error saying the outcome is unknown. The event loop has no such deadline (probe_after).
  std::chrono::milliseconds command_timeout{2000};
  // On an event loop: after a call has waited this long, and again every so often while one
  // waits, a connect to Redis's address checks it is still reachable (async_engine.hpp).
  std::chrono::milliseconds probe_after{1000};
  std::size_t pool_size = 16;
  // How long a caller waits for a connection when all pool_size are leased.
  std::chrono::milliseconds pool_wait{2000};
  // On an event loop (store::attach_loop): how many connections per database carry the plain
  // commands of every caller, pipelined; a lane always uses the same one, which keeps its order.
  std::size_t shared_connections = 2;
  // Reconnect backoff after a failed connect: doubles from the first to the last value.
  std::chrono::milliseconds backoff_first{20};
  std::chrono::milliseconds backoff_last{1000};

  // "host:port" or the socket path, for error messages.
  std::string endpoint() const;
};

// Malformed URLs and unknown options are no-such-store, with the reason.
result<config> parse_config(const store_url& url);

}  // namespace atomkv::redis
