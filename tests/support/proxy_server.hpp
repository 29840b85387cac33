#pragma once
// The atomkv-proxy binary for tests and benchmarks: started on a free loopback port with extra
// options (backend URL, --requirepass, ...), ready once PING answers; stopped with SIGTERM, then
// SIGKILL after a deadline. Its output goes to a log file in its own temporary directory, which
// is removed with the server.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace atomkv::testing {

struct proxy_server_options {
  std::string backend = "memory://";
  std::optional<std::string> requirepass;
  // More command-line options, e.g. {"--maxclients", "20000"}.
  std::vector<std::string> extra_args;
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(10);
};

class proxy_server {
 public:
  // The binary: $ATOMKV_PROXY_BINARY when set, else the path CMake built; empty when neither.
  static std::string binary();
  static bool available() { return !binary().empty(); }

  explicit proxy_server(proxy_server_options options = {});
  ~proxy_server();
  proxy_server(const proxy_server&) = delete;
  proxy_server& operator=(const proxy_server&) = delete;

  // Whether the proxy answered PING after start (the reason is in error()).
  bool running() const { return ready_; }
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  // The store URL it was started on.
  const std::string& backend() const { return options_.backend; }

  // Sends `sig` (SIGTERM by default), then SIGKILL after `grace`; returns the wait status.
  std::optional<int> stop(std::chrono::milliseconds grace = std::chrono::seconds(5),
                          int sig = 15 /* SIGTERM */);
  // Whether the process is still alive (it may have crashed).
  bool alive() { return process_.running(); }
  // What the proxy printed so far (for failure messages).
  std::string log() const;

 private:
  bool start();

  proxy_server_options options_;
  std::string dir_;
  std::string log_path_;
  std::uint16_t port_ = 0;
  bool ready_ = false;
  child_process process_;
  std::string error_;
};

}  // namespace atomkv::testing
