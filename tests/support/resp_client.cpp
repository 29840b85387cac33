#include "support/resp_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <memory>

namespace atomkv::testing {

namespace {

using clock = std::chrono::steady_clock;

// Aggregates nest; a hostile or broken server must not overflow the test's stack.
constexpr int kMaxDepth = 64;

std::ptrdiff_t frame_at(std::string_view buf, std::size_t pos, raw_reply* out, int depth) {
  if (depth > kMaxDepth) {
    return -1;
  }
  if (pos >= buf.size()) {
    return 0;
  }
  auto eol = buf.find("\r\n", pos);
  if (eol == std::string_view::npos) {
    return 0;
  }
  char type = buf[pos];
  std::string_view line = buf.substr(pos + 1, eol - pos - 1);
  std::size_t after_line = eol + 2;
  if (out) {
    out->type = type;
  }
  auto parse_len = [&](long long& n) {
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), n);
    return ec == std::errc() && p == line.data() + line.size();
  };
  switch (type) {
    case '+':
    case '-':
    case ':':
    case ',':
    case '#':
    case '(':
      if (out) {
        out->text = std::string(line);
      }
      return static_cast<std::ptrdiff_t>(after_line - pos);
    case '_':
      if (out) {
        out->is_null = true;
      }
      return static_cast<std::ptrdiff_t>(after_line - pos);
    case '$':
    case '!':
    case '=': {
      long long n = 0;
      if (!parse_len(n)) {
        return -1;
      }
      if (n < 0) {
        if (out) {
          out->is_null = true;
        }
        return static_cast<std::ptrdiff_t>(after_line - pos);
      }
      std::size_t end = after_line + static_cast<std::size_t>(n) + 2;
      if (end > buf.size()) {
        return 0;
      }
      if (buf.substr(end - 2, 2) != "\r\n") {
        return -1;
      }
      if (out) {
        out->text = std::string(buf.substr(after_line, static_cast<std::size_t>(n)));
      }
      return static_cast<std::ptrdiff_t>(end - pos);
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      long long n = 0;
      if (!parse_len(n)) {
        return -1;
      }
      if (n < 0) {
        if (out) {
          out->is_null = true;
        }
        return static_cast<std::ptrdiff_t>(after_line - pos);
      }
      long long count = (type == '%' || type == '|') ? 2 * n : n;
      std::size_t cur = after_line;
      for (long long i = 0; i < count; ++i) {
        raw_reply child;
        auto len = frame_at(buf, cur, out ? &child : nullptr, depth + 1);
        if (len <= 0) {
          return len;
        }
        cur += static_cast<std::size_t>(len);
        if (out) {
          out->children.push_back(std::move(child));
        }
      }
      // An attribute annotates the value after it; frame both as one unit.
      if (type == '|') {
        auto len = frame_at(buf, cur, nullptr, depth + 1);
        if (len <= 0) {
          return len;
        }
        cur += static_cast<std::size_t>(len);
      }
      return static_cast<std::ptrdiff_t>(cur - pos);
    }
    default:
      return -1;
  }
}

}  // namespace

std::ptrdiff_t frame_reply(std::string_view buf, raw_reply* out) {
  if (out) {
    *out = raw_reply{};
  }
  return frame_at(buf, 0, out, 0);
}

std::optional<raw_reply> parse_reply(std::string_view bytes) {
  raw_reply r;
  auto n = frame_reply(bytes, &r);
  if (n <= 0 || static_cast<std::size_t>(n) != bytes.size()) {
    return std::nullopt;
  }
  return r;
}

std::string encode_command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::optional<resp_connection> resp_connection::connect(std::uint16_t port, millis timeout) {
  return connect("127.0.0.1", port, timeout);
}

std::optional<resp_connection> resp_connection::connect(const std::string& host, std::uint16_t port,
                                                        millis timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) {
    return std::nullopt;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
      continue;
    }
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      if (poll(&p, 1, static_cast<int>(timeout.count())) == 1 &&
          getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
        rc = 0;
      }
    }
    if (rc != 0) {
      close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return resp_connection(fd);
  }
  return std::nullopt;
}

resp_connection::resp_connection(resp_connection&& other) noexcept
    : fd_(other.fd_), buffer_(std::move(other.buffer_)), peer_closed_(other.peer_closed_) {
  other.fd_ = -1;
}

resp_connection& resp_connection::operator=(resp_connection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      close(fd_);
    }
    fd_ = other.fd_;
    buffer_ = std::move(other.buffer_);
    peer_closed_ = other.peer_closed_;
    other.fd_ = -1;
  }
  return *this;
}

resp_connection::~resp_connection() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

bool resp_connection::send(std::string_view bytes, millis timeout) {
  auto deadline = clock::now() + timeout;
  while (!bytes.empty()) {
    ssize_t w = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (w > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(w));
      continue;
    }
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      auto left = std::chrono::duration_cast<millis>(deadline - clock::now()).count();
      pollfd p{fd_, POLLOUT, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
        return false;
      }
      continue;
    }
    return false;
  }
  return true;
}

long resp_connection::read_some(millis timeout) {
  if (peer_closed_) {
    return 0;
  }
  pollfd p{fd_, POLLIN, 0};
  int n = poll(&p, 1, static_cast<int>(std::max<long long>(0, timeout.count())));
  if (n <= 0) {
    return -1;
  }
  char buf[65536];
  for (;;) {
    ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
    if (r > 0) {
      buffer_.append(buf, static_cast<std::size_t>(r));
      return static_cast<long>(r);
    }
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return -1;
    }
    peer_closed_ = true;
    return 0;
  }
}

std::optional<std::string> resp_connection::read_reply(millis timeout) {
  auto deadline = clock::now() + timeout;
  for (;;) {
    auto n = frame_reply(buffer_);
    if (n < 0) {
      return std::nullopt;
    }
    if (n > 0) {
      std::string reply = buffer_.substr(0, static_cast<std::size_t>(n));
      buffer_.erase(0, static_cast<std::size_t>(n));
      return reply;
    }
    auto left = std::chrono::duration_cast<millis>(deadline - clock::now());
    if (left.count() <= 0 || read_some(left) <= 0) {
      return std::nullopt;
    }
  }
}

std::optional<std::string> resp_connection::call(const std::vector<std::string>& args,
                                                 millis timeout) {
  if (!send_command(args)) {
    return std::nullopt;
  }
  return read_reply(timeout);
}

resp_connection::drain_result resp_connection::drain(millis quiet, millis total) {
  auto deadline = clock::now() + total;
  for (;;) {
    auto left = std::chrono::duration_cast<millis>(deadline - clock::now());
    if (left.count() <= 0) {
      break;
    }
    long r = read_some(std::min(quiet, left));
    if (r <= 0) {
      break;
    }
  }
  drain_result result{std::move(buffer_), peer_closed_};
  buffer_.clear();
  return result;
}

}  // namespace atomkv::testing
