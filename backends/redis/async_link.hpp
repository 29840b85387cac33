#pragma once
// One asynchronous hiredis connection on the event loop, carrying calls (async_call.hpp)
// pipelined: each call's commands are queued at once, its replies come back in order, and the
// call completes when its last reply has arrived.
//
// A new connection authenticates and selects its database first; calls wait for that handshake
// (were SELECT to fail, pipelined commands would run on the wrong database), unless there is
// nothing to say. Once closed — lost by hiredis, unreachable, or closed on purpose — it fails
// every call it still holds, and every call sent to it later, at once. It is never reopened: the
// engine makes a new one, so that no reply still in flight can be taken for the answer to another
// call.
//
// A call is never failed for being slow: only a connect that takes too long, or the connection
// itself failing (EOF, reset, TCP keepalive, or the engine's probe finding Redis unreachable),
// ends it. A call that was handed to a connected socket may have run: its error says the outcome
// is unknown. Calls that never left (waiting for the handshake, or before the TCP connect
// completed) fail with the plain reason.

#include <uv.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "async_call.hpp"
#include "atomkv/result.hpp"
#include "loop_events.hpp"
#include "redis_config.hpp"

struct redisAsyncContext;

namespace atomkv::redis {

class async_link;

// Told when a connection becomes usable and when it closes; both run on the loop.
class link_observer {
 public:
  virtual void link_ready(async_link& link) = 0;
  // `was_ready`: the handshake had completed (else this was a failed connect).
  virtual void link_closed(async_link& link, const error& why, bool was_ready) = 0;

 protected:
  ~link_observer() = default;
};

class async_link {
 public:
  async_link(uv_loop_t* loop, write_batch& batch, config settings, int db, link_observer& observer);
  ~async_link();
  async_link(const async_link&) = delete;
  async_link& operator=(const async_link&) = delete;

  // Starts connecting; a failure to even start closes the connection at once.
  void open();
  void send(std::unique_ptr<async_call> call);
  // Fails everything held with `why` and lets the socket go.
  void close(const error& why);

  // Closes the connection if its TCP connect has taken longer than connect_timeout (`now`: loop
  // time). Once connected, nothing here has a deadline.
  void expire_connect(std::uint64_t now);
  // Since when (loop time) its oldest unanswered call has waited; none if it waits for nothing.
  std::optional<std::uint64_t> waiting_since() const;

  bool closed() const { return closed_; }
  const std::optional<error>& closed_because() const { return closed_because_; }
  int db() const { return db_; }
  // Calls sent and not yet complete, including those waiting for the handshake.
  std::size_t in_flight() const { return sent_.size() + waiting_.size(); }

 private:
  struct sent_call {
    std::unique_ptr<async_call> call;
    std::size_t replies_left;
    std::uint64_t sent_at;
  };

  static void on_reply(redisAsyncContext* context, void* reply, void* privdata);
  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);

  class handshake_call;

  void write(std::unique_ptr<async_call> call);
  void became_ready();
  void handshake_done(const std::optional<std::string>& first_error);
  // hiredis is freeing the context: fail what is held, tell the observer.
  void lost(std::string_view why);
  // Closed: fail every call held, then tell the observer (which may destroy *this: nothing may
  // touch the object after this returns).
  void finish_closing(error why);
  error failure_of(std::string_view why) const;

  uv_loop_t* loop_;
  write_batch& batch_;
  const config settings_;
  int db_;
  link_observer& observer_;
  redisAsyncContext* context_ = nullptr;  // null once closed
  bool closed_ = false;
  bool accepting_ = false;      // calls go straight to hiredis (no handshake, or it is done)
  bool ready_ = false;          // connected and, if needed, authenticated and selected
  bool tcp_connected_ = false;  // before this, nothing written has left the process
  std::uint64_t opened_at_ = 0;
  std::optional<error> closed_because_;
  std::deque<sent_call> sent_;
  std::vector<std::unique_ptr<async_call>> waiting_;  // until the handshake completes
};

}  // namespace atomkv::redis
