#include "client.hpp"

#include <arpa/inet.h>

#include "dispatch.hpp"
#include "server.hpp"

namespace atomkv::proxy {
namespace {

// Redis reads small requests into 16 KB (PROTO_IOBUF_LEN); a larger one grows the buffer.
constexpr std::size_t kReadChunk = 16 * 1024;
// Input memory a connection keeps between requests; more is returned once drained, and the rest
// once the connection has been idle for kIdleRelease (as Redis's clientsCronResizeQueryBuffer).
constexpr std::size_t kInputKeep = 64 * 1024;
constexpr auto kIdleRelease = std::chrono::seconds(2);
// Output memory kept once everything is written: small replies reuse it, a large one's goes.
constexpr std::size_t kOutputKeep = 16 * 1024;
// Bytes of replies queued behind one the backend has not answered yet beyond which reading
// stops until they drain: a client must not make the proxy run its input without bound while it
// waits (its output buffer limit counts these bytes too).
constexpr std::size_t kQueuePauseBytes = 1024 * 1024;
// Replies written in one read's worth of requests beyond which they are sent before the rest.
constexpr std::size_t kEagerFlushBytes = 1024 * 1024;
// Commands of one client given to the backend and not answered yet, beyond which its input
// waits: a long pipeline must not queue unbounded work in the backend, which would run it even
// after the client is gone (closed for not reading its replies, say).
constexpr std::size_t kMostInFlight = 128;

struct write_request {
  uv_write_t req;
  std::string bytes;
};

std::string format_address(const sockaddr_storage& address) {
  char host[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    uv_ip4_name(v4, host, sizeof host);
    port = ntohs(v4->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    uv_ip6_name(v6, host, sizeof host);
    port = ntohs(v6->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

}  // namespace

client::client(server& owner, std::uint64_t id)
    : server_(owner),
      id_(id),
      // Redis 7.0 takes up to INT_MAX arguments; memory grows only as they actually arrive.
      decoder_(resp::request_limits{.max_bulk_length = owner.config().proto_max_bulk_len,
                                    .max_multibulk_length = 2147483647}),
      created_(std::chrono::steady_clock::now()),
      last_active_(created_) {
  uv_tcp_init(owner.loop(), &tcp_);
  tcp_.data = this;
  session_.authenticated = owner.config().requirepass.empty();
  session_.watching_total = &owner.watching_clients();
}

void client::start() {
  self_ = shared_from_this();
  uv_tcp_nodelay(&tcp_, 1);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &client::on_alloc, &client::on_read);
}

void client::close() {
  if (closing_) {
    return;
  }
  closing_ = true;
  server_.timed().cancel(id_);  // a blocked client that leaves keeps nothing behind
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &client::on_closed);
  if (!processing_) {
    release_everything();
  }
}

void client::release_everything() {
  // Backend calls still in flight keep this object alive until they answer; what they write
  // is dropped (fulfil), so the bytes can go now. The writes libuv holds go with the handle.
  input_.consume(input_.size());
  input_.shrink_if_empty(0);
  std::string().swap(output_);
  pending_ = reply_queue();
  session_.clear_multi();
}

void client::close_after_replies() {
  quitting_ = true;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  if (!processing_) {
    flush();
  }
}

void client::on_closed(uv_handle_t* handle) {
  auto* self = static_cast<client*>(handle->data);
  self->server_.forget(*self);
  self->self_.reset();  // may destroy *self
}

void client::on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buf) {
  auto* self = static_cast<client*>(handle->data);
  std::size_t got = 0;
  char* tail = self->input_.reserve_tail(kReadChunk, got);
  *buf = uv_buf_init(tail, static_cast<unsigned>(got));
}

void client::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t*) {
  auto* self = static_cast<client*>(stream->data);
  if (nread < 0) {
    self->close();  // EOF or a reset: the client is gone
    return;
  }
  if (nread == 0 || self->closing_) {
    return;
  }
  self->input_.commit(static_cast<std::size_t>(nread));
  self->server_.note_input();
  self->last_active_ = std::chrono::steady_clock::now();
  self->process_input();
}

void client::process_input() {
  auto keep_alive = shared_from_this();
  processing_ = true;
  std::string_view buffer = input_.view();
  std::size_t offset = 0;
  while (!closing_ && !quitting_ && !stalled_ && !throttled_) {
    if (in_flight_ >= kMostInFlight) {
      throttled_ = true;
      break;
    }
    if (pending_.held() >= kQueuePauseBytes) {
      pause_reading();
      break;
    }
    decoder_.set_authenticated(session_.authenticated);
    auto status = decoder_.decode(buffer.substr(offset), request_);
    if (status == resp::decode_status::need_more) {
      break;
    }
    if (status == resp::decode_status::error) {
      reply().error(decoder_.error_message());
      close_after_replies();
      break;
    }
    if (!dispatch(*this, request_.args)) {
      // The command must see every earlier command's effect: decode it again once they land.
      stalled_ = true;
      break;
    }
    offset += decoder_.consumed();
    if (!within_limits(buffer.size() - offset)) {
      break;
    }
    // A long pipeline of large replies must not pile up before the first byte goes out.
    if (output_.size() >= kEagerFlushBytes) {
      flush();
    }
  }
  processing_ = false;
  if (closing_) {
    release_everything();
    return;
  }
  input_.consume(offset);
  input_.shrink_if_empty(kInputKeep);
  if (within_limits(input_.size())) {
    flush();
  }
}

bool client::within_output_limit() {
  if (closing_) {
    return false;
  }
  if (held_output() > server_.config().output_limit()) {
    // Like Redis: a client that does not read its replies is disconnected, not buffered forever.
    server_.log_client_closed(*this, "output buffer limit reached");
    close();
    return false;
  }
  return true;
}

bool client::within_limits(std::size_t unparsed) {
  if (!within_output_limit()) {
    return false;
  }
  if (unparsed + session_.queued_bytes > server_.config().client_query_buffer_limit) {
    server_.log_client_closed(*this, "query buffer limit reached");
    close();
    return false;
  }
  return true;
}

void client::pause_reading() {
  if (!read_paused_) {
    read_paused_ = true;
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  }
}

void client::resume_reading() {
  read_paused_ = false;
  if (!closing_ && !quitting_) {
    uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &client::on_alloc, &client::on_read);
  }
}

resp::reply_writer client::reply() {
  std::string& out = pending_.empty() ? output_ : pending_.append_ready();
  resp::reply_writer writer(out, session_.proto);
  writer.observe_errors(&server_stats::observe_error, &server_.stats());
  return writer;
}

reply_queue::ticket client::defer(std::size_t lane_db) {
  lane_db_ = in_flight_ == 0 || lane_db_ == lane_db ? lane_db : kNoLane;
  ++in_flight_;
  return pending_.reserve(running_command_);
}

void client::fulfil(reply_queue::ticket ticket,
                    const std::function<void(resp::reply_writer&)>& write) {
  if (closing_) {
    --in_flight_;  // nobody will read it; the queue is gone (release_everything)
    return;
  }
  const std::uint32_t command = pending_.tag_of(ticket);
  bool failed = false;
  if (pending_.is_front(ticket)) {
    const std::size_t start = output_.size();
    resp::reply_writer writer(output_, session_.proto);
    writer.observe_errors(&server_stats::observe_error, &server_.stats());
    write(writer);
    failed = output_.size() > start && output_[start] == '-';
    pending_.pop_front(output_);
  } else {
    std::string& bytes = pending_.bytes_of(ticket);
    resp::reply_writer writer(bytes, session_.proto);
    writer.observe_errors(&server_stats::observe_error, &server_.stats());
    write(writer);
    failed = !bytes.empty() && bytes[0] == '-';
    pending_.mark_ready(ticket);
  }
  // While dispatching, dispatch() counts the command's errors itself.
  if (failed && !processing_ && command < server_.stats().commands.size()) {
    ++server_.stats().commands[command].failed_calls;
  }
  --in_flight_;
  if (processing_) {
    return;
  }
  bool resume = false;
  if (in_flight_ == 0 && stalled_) {
    stalled_ = false;
    resume = true;
  }
  if (throttled_ && in_flight_ <= kMostInFlight / 2) {
    throttled_ = false;
    resume = true;
  }
  if (read_paused_ && pending_.held() < kQueuePauseBytes / 2) {
    resume_reading();
    resume = true;  // what was read before the pause is still to run
  }
  if (resume) {
    process_input();  // flushes too
    return;
  }
  if (!flush_scheduled_) {
    flush_scheduled_ = true;
    server_.flush_later(shared_from_this());
  }
}

void client::flush() {
  if (closing_) {
    return;
  }
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  if (!output_.empty() && writes_in_flight_ == 0) {
    uv_buf_t buf = uv_buf_init(output_.data(), static_cast<unsigned>(output_.size()));
    int written = uv_try_write(stream, &buf, 1);
    if (written > 0) {
      output_.erase(0, static_cast<std::size_t>(written));
    } else if (written < 0 && written != UV_EAGAIN) {
      close();
      return;
    }
  }
  if (!output_.empty()) {
    auto* request = new write_request{};
    request->bytes = std::move(output_);
    output_.clear();
    request->req.data = this;
    uv_buf_t buf = uv_buf_init(request->bytes.data(), static_cast<unsigned>(request->bytes.size()));
    bytes_in_flight_ += request->bytes.size();
    ++writes_in_flight_;
    if (uv_write(&request->req, stream, &buf, 1, &client::on_written) != 0) {
      --writes_in_flight_;
      bytes_in_flight_ -= request->bytes.size();
      delete request;
      close();
      return;
    }
  }
  if (output_.empty() && output_.capacity() > kOutputKeep) {
    std::string().swap(output_);
  }
  if (!within_output_limit()) {
    return;
  }
  finish_if_quitting();
}

void client::release_idle_buffers(std::chrono::steady_clock::time_point now) {
  if (closing_ || in_flight_ > 0 || processing_ || now - last_active_ < kIdleRelease) {
    return;
  }
  input_.shrink_to_fit();
  if (output_.empty()) {
    output_.shrink_to_fit();
  }
  request_.clear();  // decoded again from the input when needed
  request_.args.shrink_to_fit();
  request_.storage.shrink_to_fit();
  decoder_.release_memory();
}

void client::on_written(uv_write_t* req, int status) {
  auto* request = reinterpret_cast<write_request*>(req);
  auto* self = static_cast<client*>(req->data);
  self->bytes_in_flight_ -= request->bytes.size();
  --self->writes_in_flight_;
  delete request;
  if (status < 0) {
    self->close();
    return;
  }
  self->finish_if_quitting();
}

void client::finish_if_quitting() {
  if (quitting_ && !closing_ && output_.empty() && writes_in_flight_ == 0 && pending_.empty()) {
    close();
  }
}

std::string client::peer_address() const {
  sockaddr_storage address{};
  int length = sizeof address;
  if (uv_tcp_getpeername(&tcp_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return "?:0";
  }
  return format_address(address);
}

std::string client::local_address() const {
  sockaddr_storage address{};
  int length = sizeof address;
  if (uv_tcp_getsockname(&tcp_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return "?:0";
  }
  return format_address(address);
}

}  // namespace atomkv::proxy
