#pragma once
// One client connection: reads requests, runs them, and writes replies in request order.

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "atomkv/resp/reply_writer.hpp"
#include "atomkv/resp/request_decoder.hpp"
#include "input_buffer.hpp"
#include "reply_queue.hpp"
#include "session.hpp"

namespace atomkv::proxy {

class server;

class client : public std::enable_shared_from_this<client> {
 public:
  client(server& owner, std::uint64_t id);
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // The TCP handle, for uv_accept; start() begins reading once accepted.
  uv_tcp_t* handle() { return &tcp_; }
  void start();
  // Stops reading and closes the connection; unsent replies are dropped.
  void close();
  // Sends what is already computed, then closes (QUIT, protocol errors, shutdown).
  void close_after_replies();

  // Replies. reply() is the writer for the next reply in order; a reply that will be computed
  // later takes a ticket from defer() and is written by fulfil() when its result arrives.
  // `lane_db` is the database of a data command (its later commands on the same database may go
  // ahead of its reply: the backend keeps one lane's order); anything else passes kNoLane.
  static constexpr std::size_t kNoLane = static_cast<std::size_t>(-1);
  resp::reply_writer reply();
  reply_queue::ticket defer(std::size_t lane_db = kNoLane);
  void fulfil(reply_queue::ticket ticket, const std::function<void(resp::reply_writer&)>& write);

  // Whether some command's result is still to come, and whether a data command on `db` may be
  // sent to the backend before it arrives.
  bool busy() const { return in_flight_ > 0; }
  bool may_pipeline_on(std::size_t db) const { return in_flight_ == 0 || lane_db_ == db; }
  // The backend lane of this client's commands: one per connection.
  std::uint64_t lane() const { return id_; }

  session& state() { return session_; }
  server& owner() { return server_; }
  std::uint64_t id() const { return id_; }
  std::string peer_address() const;
  std::string local_address() const;
  std::chrono::steady_clock::time_point created() const { return created_; }
  std::chrono::steady_clock::time_point last_active() const { return last_active_; }
  const std::string& last_command() const { return last_command_; }
  void set_last_command(std::string_view name) { last_command_.assign(name); }
  // The command being dispatched (command_index): a reply it defers is counted against it when
  // it turns out to be an error (INFO commandstats' failed_calls).
  void set_running_command(std::size_t index) {
    running_command_ = static_cast<std::uint32_t>(index);
  }
  bool closing() const { return closing_; }
  // Called by the server once per loop iteration for a client that asked for it.
  void flush_scheduled() {
    flush_scheduled_ = false;
    flush();
  }
  // Called by the server about once a second: a client idle for a while gives back its buffers,
  // as Redis's clientsCronResizeQueryBuffer does.
  void release_idle_buffers(std::chrono::steady_clock::time_point now);

  // What this client holds, as its limits count it. Output (client-output-buffer-limit): replies
  // not yet written to the socket, wherever they wait: queued behind a reply still to come from
  // the backend, ready to write, or in a write libuv has not finished. Input
  // (client-query-buffer-limit): received bytes not yet run, and the commands queued by MULTI.
  std::size_t held_output() const { return output_.size() + bytes_in_flight_ + pending_.held(); }
  std::size_t held_input() const { return input_.size() + session_.queued_bytes; }
  std::size_t input_capacity() const { return input_.capacity(); }

 private:
  static void on_alloc(uv_handle_t* handle, std::size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_written(uv_write_t* req, int status);
  static void on_closed(uv_handle_t* handle);

  void process_input();
  // Whether the client is within its limits (with `unparsed` bytes of input left); closes it
  // when it is not.
  bool within_limits(std::size_t unparsed);
  bool within_output_limit();
  // Reading stops while many replies wait behind one that the backend has not answered yet, so
  // that input is not run without bound meanwhile; it resumes once they have drained.
  void pause_reading();
  void resume_reading();
  // Drops every byte held for a closed client at once (backend calls may keep it alive a while).
  void release_everything();
  // Writes what is ready now. Replies completed by a backend's callbacks are written once per
  // loop iteration instead (server::flush_later), so that a burst of them is one write.
  void flush();
  void finish_if_quitting();

  server& server_;
  std::uint64_t id_;
  uv_tcp_t tcp_{};
  resp::request_decoder decoder_;
  resp::request request_;
  input_buffer input_;
  std::string output_;
  reply_queue pending_;
  std::size_t in_flight_ = 0;      // deferred replies not yet fulfilled
  std::size_t lane_db_ = kNoLane;  // the database of the in-flight data commands, if only those
  bool stalled_ = false;           // input waits until nothing is in flight
  bool throttled_ = false;         // input waits until fewer commands are in flight
  bool read_paused_ = false;       // reading waits until the reply queue drains
  std::size_t writes_in_flight_ = 0;
  std::size_t bytes_in_flight_ = 0;
  bool processing_ = false;  // inside process_input: flush once at the end
  bool flush_scheduled_ = false;
  bool closing_ = false;
  bool quitting_ = false;
  session session_;
  std::chrono::steady_clock::time_point created_;
  std::chrono::steady_clock::time_point last_active_;
  std::string last_command_;
  std::uint32_t running_command_ = 0;
  // Keeps the object alive while libuv holds the handle; dropped in on_closed.
  std::shared_ptr<client> self_;
};

}  // namespace atomkv::proxy
