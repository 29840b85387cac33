#include "connection.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <cstring>

namespace atomkv::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

bool is_auth_error(std::string_view line) {
  return line.starts_with("NOAUTH") || line.starts_with("WRONGPASS") || line.starts_with("NOPERM");
}

// The replies of AUTH, SELECT and PING; the first error wins.
class handshake_sink final : public reply_sink {
 public:
  void on_reply(const redisReply& reply) override {
    if (reply.type == REDIS_REPLY_ERROR && !first_error) {
      first_error.emplace(reply.str, reply.len);
    }
  }
  std::optional<std::string> first_error;
};

}  // namespace

result<std::unique_ptr<connection>> connection::open(const config& settings) {
  timeval connect_tv = to_timeval(settings.connect_timeout);
  redisContext* context =
      settings.unix_path.empty()
          ? redisConnectWithTimeout(settings.host.c_str(), settings.port, connect_tv)
          : redisConnectUnixWithTimeout(settings.unix_path.c_str(), connect_tv);
  if (context == nullptr) {
    return failure(error::other("redis: out of memory connecting to " + settings.endpoint()));
  }
  if (context->err != 0) {
    std::string why = context->errstr;
    redisFree(context);
    return failure(error::other("redis: cannot connect to " + settings.endpoint() + ": " + why));
  }
  std::unique_ptr<connection> conn(new connection(context, settings));
  if (redisSetTimeout(context, to_timeval(settings.command_timeout)) != REDIS_OK) {
    return failure(conn->io_failure(false));
  }

  // AUTH and SELECT as needed, then PING, so that a server that wants a password we lack says
  // NOAUTH now rather than on the first command.
  request hello;
  if (settings.password) {
    if (settings.user) {
      hello.add({"AUTH", *settings.user, *settings.password});
    } else {
      hello.add({"AUTH", *settings.password});
    }
  }
  if (settings.db != 0) {
    hello.start(2);
    hello.arg("SELECT");
    hello.arg(static_cast<long long>(settings.db));
  }
  hello.add({"PING"});
  handshake_sink replies;
  BOOST_OUTCOME_TRY(conn->run(hello, replies, false));
  if (replies.first_error) {
    const std::string& line = *replies.first_error;
    if (is_auth_error(line)) {
      return failure(error::access_denied("redis: " + line));
    }
    if (line.find("DB index") != std::string::npos) {
      return failure(error::no_such_store("redis: " + line));
    }
    return failure(error::other("redis: " + line));
  }
  return conn;
}

connection::~connection() {
  redisFree(context_);
}

error connection::io_failure(bool maybe_applied) {
  broken_ = true;
  std::string why = context_->errstr;
  // A blocking read that hits SO_RCVTIMEO fails with EAGAIN.
  if (context_->err == REDIS_ERR_IO && std::strstr(context_->errstr, "temporarily unavailable")) {
    why = "no reply within " + std::to_string(settings_->command_timeout.count()) + " ms";
  } else if (context_->err == REDIS_ERR_EOF) {
    why = "server closed the connection";
  }
  if (maybe_applied) {
    why += messages::outcome_unknown;
  }
  return error::other("redis: " + settings_->endpoint() + ": " + why);
}

result<void> connection::exchange(const request& req, reply_sink& sink) {
  return run(req, sink, true);
}

result<void> connection::run(const request& req, reply_sink& sink, bool maybe_applied) {
  if (broken_) {
    return failure(error::other("redis: connection already failed"));
  }
  if (req.commands() == 0) {
    return outcome::success();
  }
  if (redisAppendFormattedCommand(context_, req.wire().data(), req.wire().size()) != REDIS_OK) {
    return failure(io_failure(false));  // nothing was written: out of memory
  }
  for (std::size_t i = 0; i < req.commands(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
      return failure(io_failure(maybe_applied));
    }
    std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw),
                                                       &freeReplyObject);
    sink.on_reply(*reply);
  }
  return outcome::success();
}

}  // namespace atomkv::redis
