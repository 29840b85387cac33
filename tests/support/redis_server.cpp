#include "support/redis_server.hpp"

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

namespace atomkv::testing {
namespace {

using namespace std::chrono_literals;

// A port the kernel just handed out for loopback; free unless someone races us to it.
std::uint16_t pick_free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

}  // namespace

redis_server::redis_server(redis_server_options options) : options_(std::move(options)) {
  char pattern[] = "/tmp/atomkv-redis-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = pattern;
  socket_path_ = dir_ + "/redis.sock";
  // Another process may take the port between pick_free_port() and redis-server's bind.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = pick_free_port();
    bus_port_ = options_.cluster_node ? pick_free_port() : 0;
    if (port_ != 0 && (!options_.cluster_node || (bus_port_ != 0 && bus_port_ != port_)) &&
        start()) {
      return;
    }
  }
}

redis_server::~redis_server() {
  stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string redis_server::url(bool with_password) const {
  std::string auth;
  if (with_password && options_.requirepass) {
    auth = ":" + *options_.requirepass + "@";
  }
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_);
}

std::string redis_server::unix_url(bool with_password) const {
  std::string url = "redis+unix://" + socket_path_;
  if (with_password && options_.requirepass) {
    url += "?password=" + *options_.requirepass;
  }
  return url;
}

bool redis_server::start() {
  std::vector<std::string> args = {"redis-server",
                                   "--port",
                                   std::to_string(port_),
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--daemonize",
                                   "no",
                                   "--dir",
                                   dir_,
                                   "--logfile",
                                   dir_ + "/redis.log",
                                   "--unixsocket",
                                   socket_path_,
                                   "--unixsocketperm",
                                   "700"};
  if (options_.requirepass) {
    args.insert(args.end(), {"--requirepass", *options_.requirepass,  //
                             "--masterauth", *options_.requirepass});
  }
  if (options_.cluster_node) {
    // The node's identity and view of the cluster live in nodes.conf in its directory, so that a
    // restarted node rejoins as itself.
    args.insert(args.end(),
                {"--cluster-enabled", "yes", "--cluster-config-file", dir_ + "/nodes.conf",
                 "--cluster-port", std::to_string(bus_port_), "--cluster-node-timeout",
                 std::to_string(options_.cluster_node_timeout_ms)});
  }
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    error_ = "cannot fork for redis-server";
    return false;
  }
  if (pid == 0) {
    // Only async-signal-safe calls until exec. The server dies with the thread that started it,
    // so that a test that aborts leaves no redis-server behind.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
      ::_exit(127);
    }
    ::execvp("redis-server", argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  if (!wait_ready()) {
    signal_and_reap(SIGKILL);
    return false;
  }
  error_.clear();
  return true;
}

bool redis_server::wait_ready() {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "redis-server exited during start (port " + std::to_string(port_) + ")";
      return false;
    }
    timeval timeout{0, 200 * 1000};
    std::unique_ptr<redisContext, void (*)(redisContext*)> context(
        redisConnectWithTimeout("127.0.0.1", port_, timeout), &redisFree);
    if (context && context->err == 0) {
      redisSetTimeout(context.get(), timeout);
      // A server with requirepass answers NOAUTH: up all the same.
      auto* reply = static_cast<redisReply*>(redisCommand(context.get(), "PING"));
      if (reply != nullptr) {
        bool up = reply->type == REDIS_REPLY_STATUS ||
                  (reply->type == REDIS_REPLY_ERROR &&
                   std::string_view(reply->str, reply->len).starts_with("NOAUTH"));
        freeReplyObject(reply);
        if (up) {
          return true;
        }
      }
    }
    std::this_thread::sleep_for(20ms);
  }
  error_ = "redis-server did not answer PING within 10 s";
  return false;
}

void redis_server::signal_and_reap(int sig) {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, sig);
  ::kill(pid_, SIGCONT);  // a paused server must run to act on SIGTERM
  // A SIGTERM'd server exits at once with --save ""; do not wait forever all the same.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  pid_ = -1;
}

void redis_server::stop() {
  signal_and_reap(SIGTERM);
}

void redis_server::kill() {
  signal_and_reap(SIGKILL);
}

void redis_server::pause() {
  if (pid_ > 0) {
    ::kill(pid_, SIGSTOP);
  }
}

void redis_server::resume() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);
  }
}

bool redis_server::restart() {
  if (running()) {
    stop();
  }
  // The old socket may linger in TIME_WAIT; redis-server binds with SO_REUSEADDR, but a few
  // attempts cover a slow release of the port.
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (start()) {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

std::string redis_server::cli(const std::string& args) const {
  std::string command = "redis-cli -h 127.0.0.1 -p " + std::to_string(port_);
  if (options_.requirepass) {
    command += " --no-auth-warning -a " + shell_quote(*options_.requirepass);
  }
  command += " " + args + " 2>&1";
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
      output.append(buffer, n);
    }
    ::pclose(pipe);
  }
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) {
    output.pop_back();
  }
  return output;
}

}  // namespace atomkv::testing
