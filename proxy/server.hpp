#pragma once
// The proxy's server: a libuv loop that accepts clients, owns the backend's buckets (one per
// database number), closes idle clients, and shuts down cleanly on SIGTERM and SIGINT.

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "atomkv/store.hpp"
#include "busy_poll.hpp"
#include "cycle_clock.hpp"
#include "memory_gauge.hpp"
#include "options.hpp"
#include "timed_replies.hpp"

namespace atomkv::proxy {

class client;

// One command's figures for INFO commandstats, as Redis counts them: calls that ran, the time
// spent running them on the loop (not waiting for a backend), calls refused before running
// (arity, NOAUTH) and calls that ran and answered an error.
struct command_counters {
  std::uint64_t calls = 0;
  std::uint64_t cycles = 0;  // cycle_clock.hpp; INFO turns them into microseconds
  std::uint64_t rejected_calls = 0;
  std::uint64_t failed_calls = 0;
};

struct server_stats {
  std::uint64_t connections_received = 0;
  std::uint64_t rejected_connections = 0;
  std::uint64_t commands_processed = 0;
  std::uint64_t total_error_replies = 0;
  cycle_rate clock_rate;  // from the server's start
  // Indexed by command_index(): a counter array, no lookup on the hot path.
  std::vector<command_counters> commands;
  // Error replies by their first word ("ERR", "WRONGTYPE"), in name order as Redis lists them.
  std::map<std::string, std::uint64_t, std::less<>> errors;

  // Counts an error reply, under its prefix as Redis takes it: the first word when a space
  // comes within 32 bytes, else "ERR".
  void count_error(std::string_view line);
  // A reply_writer error observer whose context is a server_stats.
  static void observe_error(void* stats, std::string_view line) {
    static_cast<server_stats*>(stats)->count_error(line);
  }
};

// Raises RLIMIT_NOFILE to `wanted` descriptors where it is lower, as redis-server does for
// maxclients; a message saying how far it got when the system refuses, else empty.
std::string raise_open_file_limit(std::size_t wanted);
// The current soft limit on open descriptors.
std::size_t open_file_limit();

class server {
 public:
  server(uv_loop_t* loop, options config, atomkv::store store);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and listens; an error message when it cannot.
  std::string start();
  // Stops accepting, lets clients' computed replies go out, closes every handle.
  void shutdown();

  uv_loop_t* loop() { return loop_; }
  const options& config() const { return config_; }
  // CONFIG SET's way in: only the settings that may change at run time (setting::run_time).
  options& mutable_config() { return config_; }
  // Replication's identity, as INFO shows it: 40 random hex digits, new at each start.
  const std::string& replication_id() const { return replication_id_; }
  // Clients holding WATCHes now, against max-transaction-connections (session::set_watching).
  std::size_t& watching_clients() { return watching_clients_; }
  server_stats& stats() { return stats_; }
  // Replies given at a deadline to blocked clients (WAIT).
  timed_replies& timed() { return timed_; }
  std::chrono::steady_clock::time_point started() const { return started_; }
  // Whether maxmemory is set and the proxy's resident memory is past it now (memory_gauge.hpp).
  bool over_maxmemory() { return config_.maxmemory != 0 && gauge_.resident() > config_.maxmemory; }
  // The resident bytes now, as maxmemory counts them (INFO's used_memory).
  std::uint64_t resident_memory() { return gauge_.resident(); }

  // The bucket behind database `db`, opened on first use; null with `error` set on failure. The
  // reference stays valid while the server lives (a caller copies it to keep the bucket longer).
  const std::shared_ptr<backend::bucket>& bucket(std::size_t db, std::string& error);
  // Every bucket opened so far (FLUSHALL, INFO keyspace).
  std::vector<std::pair<std::size_t, std::shared_ptr<backend::bucket>>> open_buckets() const;

  const std::unordered_map<std::uint64_t, std::shared_ptr<client>>& clients() const {
    return clients_;
  }
  void forget(client& gone);
  // Flushes `c` once the loop has handled this iteration's I/O (one write for many replies).
  void flush_later(std::shared_ptr<client> c);
  void log_client_closed(const client& c, const char* why);
  // A client's bytes arrived: the loop stays awake a while for the next ones (busy_poll.hpp).
  void note_input() { busy_poll_.note_input(); }

 private:
  static void on_connection(uv_stream_t* listener, int status);
  static void on_signal(uv_signal_t* handle, int signum);
  static void on_tick(uv_timer_t* timer);
  static void on_iteration_done(uv_check_t* check);

  void accept_one();
  void close_idle_clients();
  void release_idle_buffers();
  void detach_backend();

  uv_loop_t* loop_;
  options config_;
  memory_gauge gauge_;
  atomkv::store store_;
  uv_tcp_t listener_{};
  uv_signal_t sigterm_{};
  uv_signal_t sigint_{};
  uv_timer_t ticker_{};
  uv_timer_t deadline_{};   // forces the last clients closed during shutdown
  uv_check_t flusher_{};    // runs the flushes asked for during the iteration
  uv_idle_t flush_soon_{};  // active while flushes wait: the loop must not sleep before them
  std::vector<std::shared_ptr<client>> to_flush_;
  busy_poll busy_poll_;
  timed_replies timed_;
  bool handles_initialised_ = false;  // start() has initialised every handle above
  bool stopping_ = false;
  bool backend_attached_ = false;
  server_stats stats_;
  std::string replication_id_;
  std::size_t watching_clients_ = 0;  // before clients_: their sessions count down at the end
  std::uint64_t next_client_id_ = 1;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::unordered_map<std::uint64_t, std::shared_ptr<client>> clients_;
  std::vector<std::shared_ptr<backend::bucket>> buckets_;
};

}  // namespace atomkv::proxy
