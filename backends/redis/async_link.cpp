#include "async_link.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <utility>

namespace atomkv::redis {
namespace {

bool is_auth_error(std::string_view line) {
  return line.starts_with("NOAUTH") || line.starts_with("WRONGPASS") || line.starts_with("NOPERM");
}

// A peer host that vanishes while a call waits on an idle socket (a long command) is found by
// the kernel in about 1 + 3 x 1 s; a dead process is found at once by its FIN or RST.
void keep_alive(int fd) {
  int on = 1, idle = 1, interval = 1, count = 3;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

}  // namespace

// AUTH and SELECT of a new connection; the first error reply wins.
class async_link::handshake_call final : public async_call {
 public:
  handshake_call(async_link& link, request hello) : link_(link), hello_(std::move(hello)) {}

  const request& command() const override { return hello_; }
  void on_reply(const redisReply& reply) override {
    if (reply.type == REDIS_REPLY_ERROR && !first_error_) {
      first_error_.emplace(reply.str, reply.len);
    }
  }
  void finish() override { link_.handshake_done(first_error_); }
  void fail(error) override {}  // the connection is closing and fails the waiting calls itself

 private:
  async_link& link_;
  request hello_;
  std::optional<std::string> first_error_;
};

async_link::async_link(uv_loop_t* loop, write_batch& batch, config settings, int db,
                       link_observer& observer)
    : loop_(loop), batch_(batch), settings_(std::move(settings)), db_(db), observer_(observer) {}

async_link::~async_link() {
  if (context_ != nullptr) {
    context_->data = nullptr;
    redisAsyncFree(std::exchange(context_, nullptr));
  }
}

error async_link::failure_of(std::string_view why) const {
  return error::other("redis: " + settings_.endpoint() + ": " + std::string(why));
}

void async_link::open() {
  opened_at_ = uv_now(loop_);
  redisAsyncContext* context = settings_.unix_path.empty()
                                   ? redisAsyncConnect(settings_.host.c_str(), settings_.port)
                                   : redisAsyncConnectUnix(settings_.unix_path.c_str());
  if (context == nullptr) {
    closed_ = true;
    finish_closing(failure_of("out of memory"));
    return;
  }
  if (context->err != 0) {
    std::string why = std::string("cannot connect: ") + context->errstr;
    redisAsyncFree(context);
    closed_ = true;
    finish_closing(failure_of(why));
    return;
  }
  if (!attach_to_loop(context, loop_, batch_)) {
    redisAsyncFree(context);
    closed_ = true;
    finish_closing(failure_of("cannot watch the socket on the event loop"));
    return;
  }
  context->data = this;
  context_ = context;
  if (settings_.unix_path.empty()) {
    keep_alive(context->c.fd);
  }
  tcp_connected_ = (context->c.flags & REDIS_CONNECTED) != 0;
  redisAsyncSetConnectCallback(context, &async_link::on_connect);
  redisAsyncSetDisconnectCallback(context, &async_link::on_disconnect);

  request hello;
  if (settings_.password) {
    if (settings_.user) {
      hello.add({"AUTH", *settings_.user, *settings_.password});
    } else {
      hello.add({"AUTH", *settings_.password});
    }
  }
  if (db_ != 0) {
    hello.start(2);
    hello.arg("SELECT");
    hello.arg(static_cast<long long>(db_));
  }
  if (hello.commands() == 0) {
    accepting_ = true;  // nothing could make a command land elsewhere: pipeline at once
    return;
  }
  write(std::make_unique<handshake_call>(*this, std::move(hello)));
}

void async_link::send(std::unique_ptr<async_call> call) {
  if (closed_) {
    call->fail(closed_because_.value_or(failure_of("connection closed")));
    return;
  }
  if (!accepting_) {
    waiting_.push_back(std::move(call));
    return;
  }
  write(std::move(call));
}

void async_link::write(std::unique_ptr<async_call> call) {
  const request& req = call->command();
  const std::size_t commands = req.commands();
  if (commands == 0) {
    call->finish();
    return;
  }
  bool queued = true;
  for (std::size_t i = 0; i < commands && queued; ++i) {
    std::string_view bytes = req.command(i);
    queued = redisAsyncFormattedCommand(context_, &async_link::on_reply, nullptr, bytes.data(),
                                        bytes.size()) == REDIS_OK;
  }
  sent_.push_back({std::move(call), commands, uv_now(loop_)});
  if (!queued) {
    close(failure_of("hiredis refused a command"));
  }
}

void async_link::became_ready() {
  ready_ = true;
  observer_.link_ready(*this);
}

void async_link::handshake_done(const std::optional<std::string>& first_error) {
  if (first_error) {
    const std::string& line = *first_error;
    if (is_auth_error(line)) {
      close(error::access_denied("redis: " + line));
    } else if (line.find("DB index") != std::string::npos) {
      close(error::no_such_store("redis: " + line));
    } else {
      close(error::other("redis: " + line));
    }
    return;
  }
  accepting_ = true;
  became_ready();
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& call : waiting) {
    send(std::move(call));
  }
}

void async_link::expire_connect(std::uint64_t now) {
  if (closed_ || tcp_connected_) {
    return;
  }
  if (now - opened_at_ >= static_cast<std::uint64_t>(settings_.connect_timeout.count())) {
    close(failure_of("cannot connect within " + std::to_string(settings_.connect_timeout.count()) +
                     " ms"));
  }
}

std::optional<std::uint64_t> async_link::waiting_since() const {
  if (!sent_.empty()) {
    return sent_.front().sent_at;
  }
  if (!waiting_.empty()) {
    return opened_at_;
  }
  return std::nullopt;
}

void async_link::on_reply(redisAsyncContext* context, void* reply, void*) {
  auto* self = static_cast<async_link*>(context->data);
  if (self == nullptr) {
    return;  // closed on purpose: its calls were failed already
  }
  if (reply == nullptr) {
    // hiredis is freeing the context and empties its callback list.
    self->lost(context->errstr != nullptr && *context->errstr != '\0' ? context->errstr
                                                                      : "connection lost");
    return;
  }
  self->tcp_connected_ = true;
  if (self->sent_.empty()) {
    self->close(self->failure_of("a reply nobody asked for"));
    return;
  }
  sent_call& front = self->sent_.front();
  front.call->on_reply(*static_cast<const redisReply*>(reply));
  if (--front.replies_left == 0) {
    auto done = std::move(front.call);
    self->sent_.pop_front();
    done->finish();  // may close or release this connection
  }
}

void async_link::on_connect(const redisAsyncContext* context, int status) {
  auto* self = static_cast<async_link*>(context->data);
  if (self == nullptr) {
    return;
  }
  if (status != REDIS_OK) {
    self->lost(std::string("cannot connect: ") +
               (context->errstr != nullptr ? context->errstr : "error"));
    return;
  }
  self->tcp_connected_ = true;
  if (self->accepting_ && !self->ready_) {
    self->became_ready();  // no handshake: connected is ready
  }
}

void async_link::on_disconnect(const redisAsyncContext* context, int) {
  auto* self = static_cast<async_link*>(context->data);
  if (self != nullptr) {
    self->lost(context->errstr != nullptr && *context->errstr != '\0'
                   ? context->errstr
                   : "server closed the connection");
  }
}

void async_link::lost(std::string_view why) {
  if (closed_) {
    return;
  }
  closed_ = true;
  // hiredis frees the context after this callback; nothing of ours may run for it again.
  context_->data = nullptr;
  context_ = nullptr;
  finish_closing(failure_of(why));
}

void async_link::close(const error& why) {
  if (closed_) {
    return;
  }
  closed_ = true;
  if (redisAsyncContext* context = std::exchange(context_, nullptr)) {
    context->data = nullptr;  // its remaining callbacks (null replies) are ignored
    redisAsyncFree(context);  // deferred by hiredis when inside one of its callbacks
  }
  finish_closing(why);
}

void async_link::finish_closing(error why) {
  closed_because_ = why;
  const bool was_ready = ready_;
  auto sent = std::move(sent_);
  sent_.clear();
  auto waiting = std::move(waiting_);
  waiting_.clear();
  // Before the TCP connect completed nothing left the process; after it, Redis may have run a
  // call whose reply is lost with the connection.
  error maybe_applied = why;
  if (tcp_connected_ && !outcome_unknown(why)) {
    maybe_applied.message += messages::outcome_unknown;
  }
  for (auto& s : sent) {
    s.call->fail(maybe_applied);
  }
  for (auto& call : waiting) {
    call->fail(why);
  }
  observer_.link_closed(*this, why, was_ready);
}

}  // namespace atomkv::redis
