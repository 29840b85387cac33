#pragma once
// Redis commands encoded in RESP, back to back, ready to write to a socket. A blocking client
// writes wire() at once (one round trip for the whole pipeline); an asynchronous client hands
// each command(i) to the event loop with its own reply callback.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace atomkv::redis {

class request {
 public:
  request() { wire_.reserve(96); }  // one allocation for a typical single-key command

  // Starts a command of `argc` arguments; exactly argc calls to arg()/key() must follow.
  void start(std::size_t argc);
  void arg(std::string_view text);
  void arg(long long number);
  // A key of a bucket: the bucket's prefix, then the key, as one argument.
  void key(std::string_view prefix, std::string_view name);

  // A whole command at once.
  void add(std::initializer_list<std::string_view> args);
  // Every command of `other`, after this one's (ASKING before a redirected request).
  void append(const request& other);

  const std::string& wire() const { return wire_; }
  std::size_t commands() const { return ends_.size(); }
  std::string_view command(std::size_t index) const;

 private:
  void close_command_if_done();
  void header(char type, std::size_t count);

  std::string wire_;
  std::vector<std::size_t> ends_;  // end offset of each command in wire_
  std::size_t pending_args_ = 0;
};

}  // namespace atomkv::redis
