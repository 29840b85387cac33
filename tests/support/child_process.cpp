#include "support/child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/resp_client.hpp"

namespace atomkv::testing {

namespace {

using clock = std::chrono::steady_clock;

// Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
struct exec_args {
  std::vector<std::string> storage;
  std::vector<char*> argv;

  explicit exec_args(const std::vector<std::string>& args) : storage(args) {
    for (auto& a : storage) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
  }
};

[[noreturn]] void exec_child(exec_args& args, int stdin_fd, int out_fd, pid_t parent) {
  // Dies with the test process, so a crashed test leaves no server running.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) {
    _exit(127);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  dup2(stdin_fd, 0);
  dup2(out_fd, 1);
  dup2(out_fd, 2);
  // Sockets the test holds (hiredis opens them without O_CLOEXEC) must not leak into servers.
  close_range(3, ~0U, 0);
  execvp(args.argv[0], args.argv.data());
  _exit(127);
}

std::optional<int> reap(pid_t pid, bool block) {
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, block ? 0 : WNOHANG);
    if (r == pid) {
      return status;
    }
    if (r == 0) {
      return std::nullopt;
    }
    if (errno != EINTR) {
      return -1;
    }
  }
}

}  // namespace

child_process::~child_process() {
  stop(std::chrono::seconds(5));
}

child_process::child_process(child_process&& other) noexcept
    : pid_(other.pid_), status_(other.status_), error_(std::move(other.error_)) {
  other.pid_ = -1;
}

child_process& child_process::operator=(child_process&& other) noexcept {
  if (this != &other) {
    stop(std::chrono::seconds(5));
    pid_ = other.pid_;
    status_ = other.status_;
    error_ = std::move(other.error_);
    other.pid_ = -1;
  }
  return *this;
}

bool child_process::start(const std::vector<std::string>& argv, const std::string& log_path) {
  stop(std::chrono::seconds(5));
  status_.reset();
  error_.clear();
  if (argv.empty()) {
    error_ = "empty command line";
    return false;
  }
  const char* out_path = log_path.empty() ? "/dev/null" : log_path.c_str();
  int out_fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || in_fd < 0) {
    error_ = std::string("cannot open ") + out_path + ": " + std::strerror(errno);
    if (out_fd >= 0)
      close(out_fd);
    if (in_fd >= 0)
      close(in_fd);
    return false;
  }
  exec_args args(argv);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    exec_child(args, in_fd, out_fd, parent);
  }
  close(out_fd);
  close(in_fd);
  if (pid < 0) {
    error_ = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  pid_ = pid;
  return true;
}

bool child_process::running() {
  if (pid_ <= 0) {
    return false;
  }
  if (auto st = reap(pid_, false)) {
    status_ = *st;
    pid_ = -1;
    return false;
  }
  return true;
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = clock::now() + timeout;
  while (running()) {
    if (clock::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

std::optional<int> child_process::stop(std::chrono::milliseconds grace, int sig) {
  if (pid_ <= 0) {
    return status_;
  }
  ::kill(pid_, sig);
  if (auto st = wait_exit(grace)) {
    return st;
  }
  ::kill(pid_, SIGKILL);
  status_ = reap(pid_, true);
  pid_ = -1;
  return status_;
}

std::string run_capture(const std::vector<std::string>& argv, const std::string& input,
                        std::chrono::milliseconds timeout, int* exit_status) {
  // Writing to a child that has already exited must be an EPIPE, not a fatal signal.
  signal(SIGPIPE, SIG_IGN);
  if (exit_status) {
    *exit_status = -1;
  }
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) {
    return {};
  }
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    return {};
  }
  exec_args args(argv);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    exec_child(args, in_pipe[0], out_pipe[1], parent);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (pid < 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    return {};
  }
  fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  std::string output;
  auto deadline = clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {in_fd, POLLOUT, 0}};
    int n = poll(fds, in_fd >= 0 ? 2 : 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (in_fd >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(in_fd, input.data() + written, input.size() - written);
      if (w > 0) {
        written += static_cast<std::size_t>(w);
      }
      if ((w < 0 && errno != EAGAIN) || written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[65536];
      ssize_t r = read(out_pipe[0], buf, sizeof buf);
      if (r > 0) {
        output.append(buf, static_cast<std::size_t>(r));
      } else if (r == 0 || errno != EINTR) {
        break;
      }
    }
  }
  if (in_fd >= 0) {
    close(in_fd);
  }
  close(out_pipe[0]);
  if (timed_out) {
    ::kill(pid, SIGKILL);
  }
  auto st = reap(pid, true);
  if (exit_status && !timed_out && st) {
    *exit_status = *st;
  }
  return output;
}

std::optional<std::size_t> resident_bytes(pid_t pid) {
  if (pid <= 0) {
    return std::nullopt;
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stoull(line.substr(6)) * 1024;  // "VmRSS:	  1234 kB"
    }
  }
  return std::nullopt;
}

std::uint16_t free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return 0;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string make_temp_dir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    return {};
  }
  return pattern;
}

void remove_tree(const std::string& path) {
  if (path.empty()) {
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

bool wait_until_ping(std::uint16_t port, child_process& process, std::chrono::milliseconds deadline,
                     const std::optional<std::string>& password) {
  auto until = clock::now() + deadline;
  while (clock::now() < until) {
    if (!process.running()) {
      return false;
    }
    if (auto conn = resp_connection::connect(port, std::chrono::milliseconds(200))) {
      bool ok = true;
      if (password) {
        ok = conn->send(encode_command({"AUTH", *password})) &&
             conn->read_reply(std::chrono::milliseconds(500)).value_or("") == "+OK\r\n";
      }
      // A server that wants a password we were not given is up all the same.
      auto pong = ok && conn->send(encode_command({"PING"}))
                      ? conn->read_reply(std::chrono::milliseconds(500)).value_or("")
                      : std::string();
      if (pong == "+PONG\r\n" || pong.starts_with("-NOAUTH")) {
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace atomkv::testing
