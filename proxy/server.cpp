#include "server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "client.hpp"
#include "command_table.hpp"
#include "memory_return.hpp"
#include "redis_errors.hpp"

namespace atomkv::proxy {
namespace {

std::string random_hex(std::size_t digits) {
  std::random_device source;
  std::string out;
  for (std::size_t i = 0; i < digits; ++i) {
    out.push_back("0123456789abcdef"[source() % 16]);
  }
  return out;
}

// Free heap memory beyond which it is given back to the system (memory_return.hpp).
constexpr std::size_t kFreeMemoryWorthReturning = std::size_t{16} << 20;

}  // namespace

void server_stats::count_error(std::string_view line) {
  ++total_error_replies;
  std::string_view prefix = "ERR";
  auto space = line.substr(0, 32).find(' ');
  if (space != std::string_view::npos && space > 0) {
    prefix = line.substr(0, space);
  }
  auto found = errors.find(prefix);
  if (found == errors.end()) {
    errors.emplace(std::string(prefix), 1);
  } else {
    ++found->second;
  }
}

std::size_t open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return 0;
  }
  return limit.rlim_cur == RLIM_INFINITY ? static_cast<std::size_t>(-1)
                                         : static_cast<std::size_t>(limit.rlim_cur);
}

std::string raise_open_file_limit(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return "cannot read the open file limit";
  }
  const rlim_t want = static_cast<rlim_t>(wanted);
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= want) {
    return {};
  }
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? want : std::min(want, limit.rlim_max);
  if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    raised = limit;
  }
  if (raised.rlim_cur < want) {
    return "open file limit " + std::to_string(raised.rlim_cur) +
           " is below maxclients + max-transaction-connections + 64 = " + std::to_string(wanted);
  }
  return {};
}

server::server(uv_loop_t* loop, options config, atomkv::store store)
    : loop_(loop),
      config_(std::move(config)),
      store_(std::move(store)),
      replication_id_(random_hex(40)) {
  buckets_.resize(config_.databases);
  stats_.commands.resize(all_commands().size());
}

server::~server() = default;

std::string server::start() {
  // Every handle is initialised before anything can fail, so that shutdown() closes them all
  // whatever the failure (closing a handle never initialised aborts in libuv).
  uv_tcp_init(loop_, &listener_);
  listener_.data = this;
  uv_signal_init(loop_, &sigterm_);
  uv_signal_init(loop_, &sigint_);
  sigterm_.data = sigint_.data = this;
  uv_timer_init(loop_, &ticker_);
  ticker_.data = this;
  uv_check_init(loop_, &flusher_);
  flusher_.data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&flusher_));
  uv_idle_init(loop_, &flush_soon_);
  flush_soon_.data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&flush_soon_));
  busy_poll_.start(loop_, config_.busy_poll_us);
  timed_.start(loop_);
  handles_initialised_ = true;

  sockaddr_storage address{};
  if (uv_ip4_addr(config_.bind.c_str(), config_.port, reinterpret_cast<sockaddr_in*>(&address)) !=
          0 &&
      uv_ip6_addr(config_.bind.c_str(), config_.port, reinterpret_cast<sockaddr_in6*>(&address)) !=
          0) {
    return "bad bind address '" + config_.bind + "'";
  }
  if (int rc = uv_tcp_bind(&listener_, reinterpret_cast<sockaddr*>(&address), 0); rc != 0) {
    return std::string("cannot bind ") + config_.bind + ":" + std::to_string(config_.port) + ": " +
           uv_strerror(rc);
  }
  if (int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), 511, &server::on_connection);
      rc != 0) {
    return std::string("cannot listen on ") + config_.bind + ":" + std::to_string(config_.port) +
           ": " + uv_strerror(rc);
  }
  uv_signal_start(&sigterm_, &server::on_signal, SIGTERM);
  uv_signal_start(&sigint_, &server::on_signal, SIGINT);
  uv_timer_start(&ticker_, &server::on_tick, 1000, 1000);
  uv_check_start(&flusher_, &server::on_iteration_done);
  if (auto attached = store_.backend().attach_loop(loop_); !attached) {
    return "cannot run the backend on the event loop: " + attached.error().message;
  }
  backend_attached_ = true;
  return {};
}

void server::on_connection(uv_stream_t* listener, int status) {
  if (status == 0) {
    static_cast<server*>(listener->data)->accept_one();
  }
}

void server::accept_one() {
  auto fresh = std::make_shared<client>(*this, next_client_id_++);
  if (uv_accept(reinterpret_cast<uv_stream_t*>(&listener_),
                reinterpret_cast<uv_stream_t*>(fresh->handle())) != 0) {
    fresh->close();
    return;
  }
  ++stats_.connections_received;
  clients_.emplace(fresh->id(), fresh);
  fresh->start();
  if (clients_.size() > config_.maxclients) {
    ++stats_.rejected_connections;
    fresh->reply().error(errors::max_clients);
    fresh->close_after_replies();
  }
}

void server::forget(client& gone) {
  clients_.erase(gone.id());
  if (stopping_ && clients_.empty()) {
    detach_backend();
  }
}

void server::flush_later(std::shared_ptr<client> c) {
  if (stopping_) {
    c->flush_scheduled();  // the flusher may be closed already
    return;
  }
  // A flush asked for after this iteration's flusher ran (a backend's own end-of-iteration
  // work may come after it) runs in the next iteration, which must then not sleep first.
  if (to_flush_.empty()) {
    uv_idle_start(&flush_soon_, [](uv_idle_t*) {});
  }
  to_flush_.push_back(std::move(c));
}

void server::on_iteration_done(uv_check_t* check) {
  auto* self = static_cast<server*>(check->data);
  self->busy_poll_.on_iteration();
  if (self->to_flush_.empty()) {
    return;
  }
  uv_idle_stop(&self->flush_soon_);
  auto batch = std::move(self->to_flush_);
  self->to_flush_.clear();
  for (auto& c : batch) {
    c->flush_scheduled();
  }
}

void server::detach_backend() {
  // After the last client: its pending backend calls fail now rather than hold the loop open.
  if (backend_attached_) {
    backend_attached_ = false;
    store_.backend().detach_loop();
  }
}

void server::log_client_closed(const client& c, const char* why) {
  std::fprintf(stderr, "atomkv-proxy: closing client id=%llu addr=%s: %s\n",
               static_cast<unsigned long long>(c.id()), c.peer_address().c_str(), why);
}

const std::shared_ptr<backend::bucket>& server::bucket(std::size_t db, std::string& error) {
  auto& slot = buckets_.at(db);
  if (!slot) {
    auto opened = store_.backend().open_database(db);
    if (!opened) {
      error = opened.error().message;
      return slot;  // still null
    }
    slot = std::move(opened).value();
  }
  return slot;
}

std::vector<std::pair<std::size_t, std::shared_ptr<backend::bucket>>> server::open_buckets() const {
  std::vector<std::pair<std::size_t, std::shared_ptr<backend::bucket>>> open;
  for (std::size_t db = 0; db < buckets_.size(); ++db) {
    if (buckets_[db]) {
      open.emplace_back(db, buckets_[db]);
    }
  }
  return open;
}

void server::on_signal(uv_signal_t* handle, int) {
  static_cast<server*>(handle->data)->shutdown();
}

void server::on_tick(uv_timer_t* timer) {
  auto* self = static_cast<server*>(timer->data);
  self->close_idle_clients();
  self->release_idle_buffers();
}

void server::release_idle_buffers() {
  auto now = std::chrono::steady_clock::now();
  for (const auto& [id, c] : clients_) {
    c->release_idle_buffers(now);
  }
  return_free_memory(kFreeMemoryWorthReturning);
}

void server::close_idle_clients() {
  if (config_.timeout == 0) {
    return;
  }
  auto limit = std::chrono::seconds(config_.timeout);
  auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<client>> idle;
  for (const auto& [id, c] : clients_) {
    // Like Redis, a client inside MULTI or holding WATCHes is closed all the same, a blocked
    // one (WAIT) is not.
    if (now - c->last_active() > limit && !c->state().blocked) {
      idle.push_back(c);
    }
  }
  for (auto& c : idle) {
    c->close();
  }
}

void server::shutdown() {
  if (stopping_) {
    return;
  }
  stopping_ = true;
  if (handles_initialised_) {
    for (auto* handle :
         {reinterpret_cast<uv_handle_t*>(&listener_), reinterpret_cast<uv_handle_t*>(&sigterm_),
          reinterpret_cast<uv_handle_t*>(&sigint_), reinterpret_cast<uv_handle_t*>(&ticker_),
          reinterpret_cast<uv_handle_t*>(&flusher_),
          reinterpret_cast<uv_handle_t*>(&flush_soon_)}) {
      uv_close(handle, nullptr);
    }
    busy_poll_.close();
    timed_.close();
  }
  for (auto& c : std::exchange(to_flush_, {})) {
    c->flush_scheduled();
  }
  std::vector<std::shared_ptr<client>> open;
  for (const auto& [id, c] : clients_) {
    open.push_back(c);
  }
  for (auto& c : open) {
    c->close_after_replies();
  }
  if (clients_.empty()) {
    detach_backend();
  }
  // A client that does not read its replies must not hold the shutdown up for ever.
  uv_timer_init(loop_, &deadline_);
  deadline_.data = this;
  uv_timer_start(
      &deadline_,
      [](uv_timer_t* timer) {
        auto* self = static_cast<server*>(timer->data);
        std::vector<std::shared_ptr<client>> left;
        for (const auto& [id, c] : self->clients_) {
          left.push_back(c);
        }
        for (auto& c : left) {
          c->close();
        }
        uv_close(reinterpret_cast<uv_handle_t*>(timer), nullptr);
      },
      3000, 0);
  uv_unref(reinterpret_cast<uv_handle_t*>(&deadline_));
}

}  // namespace atomkv::proxy
