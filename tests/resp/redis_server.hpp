#pragma once
// Test helper: a throwaway redis-server on a free port in a temporary directory, and a way to
// send it raw bytes and read everything it answers before closing.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>

extern char** environ;

namespace atomkv::resp::test {

class redis_server {
 public:
  redis_server() {
    port_ = free_port();
    char dir_template[] = "/tmp/atomkv-resp-redis-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) {
      return;
    }
    dir_ = dir_template;
    const std::string port = std::to_string(port_);
    const std::string log = dir_ + "/redis.log";
    const char* argv[] = {"redis-server", "--port",    port.c_str(), "--bind",
                          "127.0.0.1",    "--save",    "",           "--appendonly",
                          "no",           "--dir",     dir_.c_str(), "--daemonize",
                          "no",           "--logfile", log.c_str(),  nullptr};
    if (posix_spawnp(&pid_, "redis-server", nullptr, nullptr, const_cast<char**>(argv), environ) !=
        0) {
      pid_ = -1;
      return;
    }
    for (int i = 0; i < 100 && !ready_; ++i) {
      ready_ = exchange("PING\r\n") == "+PONG\r\n";
      if (!ready_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }

  ~redis_server() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  bool ready() const { return ready_; }

  // Sends `bytes` on a new connection, half-closes it, and returns all the server wrote back
  // until it closed (a protocol error, or the half-close once every complete request is
  // answered).
  std::string exchange(std::string_view bytes) const {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string reply;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      std::size_t sent = 0;
      while (sent < bytes.size()) {
        const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
          break;
        }
        sent += static_cast<std::size_t>(n);
      }
      shutdown(fd, SHUT_WR);
      char buffer[4096];
      pollfd p{fd, POLLIN, 0};
      while (poll(&p, 1, 2000) > 0) {
        const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
          break;
        }
        reply.append(buffer, static_cast<std::size_t>(n));
      }
    }
    close(fd);
    return reply;
  }

 private:
  static int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
  }

  int port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;
  bool ready_ = false;
};

}  // namespace atomkv::resp::test
