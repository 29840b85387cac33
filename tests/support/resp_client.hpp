#pragma once
// A raw RESP client for tests: a blocking socket with a timeout on every read and write, and a
// small reply framer that finds where one RESP2/RESP3 reply ends, so tests can compare the exact
// bytes a server sent. It is independent of atomkv's own codec on purpose: the tests must not
// share the proxy's parser's mistakes.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atomkv::testing {

// A parsed reply, for checks that need structure (sets of keys, HELLO maps).
struct raw_reply {
  char type = 0;         // the RESP type byte: + - : $ * % ~ _ , # ! = ( > |
  std::string text;      // the line or bulk payload; empty for aggregates
  bool is_null = false;  // $-1, *-1 or _
  std::vector<raw_reply> children;

  friend bool operator==(const raw_reply&, const raw_reply&) = default;
};

// Length of the first complete reply in `buf`: 0 when more bytes are needed, -1 when the bytes
// are not RESP. When `out` is given and the reply is complete, it receives the parsed reply.
std::ptrdiff_t frame_reply(std::string_view buf, raw_reply* out = nullptr);

// Parses exactly one complete reply; nullopt otherwise.
std::optional<raw_reply> parse_reply(std::string_view bytes);

// A multibulk request: "*n\r\n$len\r\narg\r\n..."
std::string encode_command(const std::vector<std::string>& args);

// Printable form of bytes for failure messages ("\r\n" shown escaped).
std::string escape_bytes(std::string_view bytes);

class resp_connection {
 public:
  using millis = std::chrono::milliseconds;

  // Connects to 127.0.0.1:port; nullopt when it cannot within the timeout.
  static std::optional<resp_connection> connect(std::uint16_t port, millis timeout = millis(2000));
  // Connects to host (a name or an address) on port, trying each address it resolves to.
  static std::optional<resp_connection> connect(const std::string& host, std::uint16_t port,
                                                millis timeout = millis(2000));

  resp_connection(resp_connection&& other) noexcept;
  resp_connection& operator=(resp_connection&& other) noexcept;
  resp_connection(const resp_connection&) = delete;
  resp_connection& operator=(const resp_connection&) = delete;
  ~resp_connection();

  int fd() const { return fd_; }

  // Writes every byte (false on error, peer close or timeout).
  bool send(std::string_view bytes, millis timeout = millis(5000));
  bool send_command(const std::vector<std::string>& args) { return send(encode_command(args)); }

  // The exact bytes of the next reply; nullopt on timeout, close or bytes that are not RESP.
  std::optional<std::string> read_reply(millis timeout = millis(5000));
  // Sends one command and reads its reply.
  std::optional<std::string> call(const std::vector<std::string>& args,
                                  millis timeout = millis(5000));

  struct drain_result {
    std::string bytes;
    bool closed = false;  // the peer closed (EOF or reset)
  };
  // Reads until the peer closes, until `quiet` passes with no new byte, or until `total`.
  drain_result drain(millis quiet, millis total = millis(10000));

  // True once a read saw EOF or a reset.
  bool peer_closed() const { return peer_closed_; }
  // Bytes received but not yet returned as a reply.
  const std::string& pending() const { return buffer_; }

 private:
  explicit resp_connection(int fd) : fd_(fd) {}
  // Reads what is available within `timeout`: >0 bytes appended, 0 on close, -1 on timeout/error.
  long read_some(millis timeout);

  int fd_ = -1;
  std::string buffer_;
  bool peer_closed_ = false;
};

}  // namespace atomkv::testing
