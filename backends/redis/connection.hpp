#pragma once
// One blocking hiredis connection: connects with a timeout, authenticates and selects the
// database in one round trip, and runs pipelined requests with a command timeout. Any I/O or
// protocol error marks it broken for good: a broken connection is never used again, because the
// replies still in flight on it could be taken for the answers to the next request. A request
// that fails once written (no reply within the timeout, the server gone) may have been applied:
// its error says the outcome is unknown.

#include <memory>

#include "atomkv/result.hpp"
#include "commands.hpp"
#include "redis_config.hpp"
#include "request.hpp"

struct redisContext;

namespace atomkv::redis {

class connection {
 public:
  // NOAUTH/WRONGPASS/NOPERM during the handshake are access-denied; a bad database number is
  // no-such-store; a refused or timed-out connect is other.
  static result<std::unique_ptr<connection>> open(const config& settings);

  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Writes the whole request, then hands each reply to `sink` in order.
  result<void> exchange(const request& req, reply_sink& sink);

  bool broken() const { return broken_; }

 private:
  connection(redisContext* context, const config& settings)
      : context_(context), settings_(&settings) {}
  // `maybe_applied`: the request was a caller's, not the handshake's.
  result<void> run(const request& req, reply_sink& sink, bool maybe_applied);
  error io_failure(bool maybe_applied);

  redisContext* context_;
  const config* settings_;  // owned by the pool, which outlives its connections
  bool broken_ = false;
};

}  // namespace atomkv::redis
