#pragma once
// A real redis-server for tests and benchmarks: started on a free loopback port with its own
// temporary directory (no persistence, not daemonized), ready once PING answers. kill() and
// restart() keep the port, so that clients can watch a server die and come back. The destructor
// stops the server and removes the directory. The server is killed if the thread that started
// it exits first (PR_SET_PDEATHSIG), so that a crashed test leaves no server running: start and
// restart servers from a thread that outlives them.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace atomkv::testing {

struct redis_server_options {
  std::optional<std::string> requirepass;
  // A Redis Cluster node (cluster-enabled), with its bus on a second free port and this
  // node timeout, after which a failed master's replica takes over.
  bool cluster_node = false;
  int cluster_node_timeout_ms = 2000;
};

class redis_server {
 public:
  explicit redis_server(redis_server_options options = {});
  ~redis_server();
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  // Whether the server answered PING after the last start (the reason is in error()).
  bool running() const { return pid_ > 0; }
  const std::string& error() const { return error_; }

  std::uint16_t port() const { return port_; }
  std::uint16_t cluster_bus_port() const { return bus_port_; }
  pid_t pid() const { return pid_; }
  const std::string& socket_path() const { return socket_path_; }
  // redis://[:password@]127.0.0.1:port
  std::string url(bool with_password = true) const;
  std::string unix_url(bool with_password = true) const;

  void stop();     // SIGTERM, then wait for the process
  void kill();     // SIGKILL, then wait for the process
  bool restart();  // starts again on the same port; true when PING answers
  void pause();    // SIGSTOP: the server holds connections but answers nothing
  void resume();   // SIGCONT

  // Runs `redis-cli -p port [-a password] args...` and returns its standard output.
  std::string cli(const std::string& args) const;

 private:
  bool start();
  bool wait_ready();
  void signal_and_reap(int sig);

  redis_server_options options_;
  std::string dir_;
  std::string socket_path_;
  std::uint16_t port_ = 0;
  std::uint16_t bus_port_ = 0;
  pid_t pid_ = -1;
  std::string error_;
};

}  // namespace atomkv::testing
