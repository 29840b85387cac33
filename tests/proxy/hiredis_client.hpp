#pragma once
// hiredis (0.14, RESP2) as the tests use it: a blocking context with a timeout on every read,
// replies owned by unique_ptr.

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "proxy/servers.hpp"

namespace atomkv::proxy_tests {

struct reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

struct context_deleter {
  void operator()(redisContext* c) const { redisFree(c); }
};

class hiredis_client {
 public:
  // Connects to the server with a 5 s connect and read timeout; ok() tells whether it worked.
  explicit hiredis_client(const server& srv, int timeout_ms = 5000);

  bool ok() const { return ctx_ && ctx_->err == 0; }
  std::string error() const { return ctx_ ? ctx_->errstr : "no context"; }
  redisContext* get() { return ctx_.get(); }

  // Sends a command and waits for its reply (nullptr on I/O error or timeout).
  reply_ptr cmd(const std::vector<std::string>& args);
  // Pipelining: queue now, read replies later in order.
  void append(const std::vector<std::string>& args);
  reply_ptr next_reply();

 private:
  std::unique_ptr<redisContext, context_deleter> ctx_;
};

// Short readable forms for assertions.
std::string str(const reply_ptr& r);  // status, error or bulk text; "(nil)" and "(error)" marks
long long integer(const reply_ptr& r);
bool is_error(const reply_ptr& r, const std::string& text);

}  // namespace atomkv::proxy_tests
