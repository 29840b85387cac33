#pragma once
// The Redis backend's asynchronous side, on the event loop given to store::attach_loop.
//
// Per database: a few shared connections (config::shared_connections) carry the plain calls of
// every caller, pipelined; lane % count picks one, so that one lane's calls stay in order.
// Transactions lease a connection of their own (async_transaction.hpp) and give it back clean:
// one with a possible WATCH left on it gets UNWATCH first and is reused only once Redis has
// acknowledged it; any doubt closes it instead. A failed connect makes the database's next
// connects wait a backoff (calls fail at once meanwhile); nothing is ever retried.
//
// Slow is not dead: a call waits for its reply however long Redis takes (one client's KEYS must
// not fail the other clients' calls pipelined behind it, which Redis will run). A connection is
// given up only when it fails: its TCP connect takes longer than connect_timeout (hiredis 0.14
// has no asynchronous timeouts, so a timer checks), Redis closes or resets it, TCP keepalive
// finds the peer host gone, or the reachability probe (reachability_probe.hpp), run once a call
// has waited longer than probe_after and again while one still waits (spaced out from
// probe_after to 16 x probe_after), cannot connect to Redis's address within connect_timeout. Then
// every connection is closed, and the calls that may have run fail with an error saying that their
// outcome is unknown.

#include <uv.h>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "async_call.hpp"
#include "async_link.hpp"
#include "atomkv/result.hpp"
#include "loop_events.hpp"
#include "reachability_probe.hpp"
#include "reconnect_backoff.hpp"
#include "redis_config.hpp"

namespace atomkv::redis {

class async_engine final : public link_observer {
 public:
  async_engine(uv_loop_t* loop, config settings);
  ~async_engine();
  async_engine(const async_engine&) = delete;
  async_engine& operator=(const async_engine&) = delete;

  // Starts the loop handles (write batching, timeouts).
  result<void> start();
  // Fails every call held with `why`, closes every connection and handle. Final.
  void stop(const error& why);
  bool stopped() const { return stopped_; }

  // A plain call on database `db`, on the shared connection of `lane`.
  void send(int db, std::uint64_t lane, std::unique_ptr<async_call> call);

  // A connection of its own for a transaction on `db`: an idle clean one, or a new one.
  result<std::shared_ptr<async_link>> lease(int db);
  // A transaction's connection back. `maybe_dirty`: a WATCH may be live, or calls are still in
  // flight; it is then reused only after an acknowledged UNWATCH.
  void give_back(std::shared_ptr<async_link> link, bool maybe_dirty);

 private:
  struct database {
    std::vector<std::shared_ptr<async_link>> shared;
    std::vector<std::shared_ptr<async_link>> idle;  // clean, ready for a transaction
    reconnect_backoff backoff;
  };
  struct loop_handles;

  database& database_of(int db);
  result<std::shared_ptr<async_link>> connect(int db, database& where);
  void park(const std::shared_ptr<async_link>& link);
  // Connect timeouts, and the probe while a call has waited long.
  void check_links();
  void probe_verdict(std::optional<std::string> unreachable);
  void close_every_link(const error& why);
  // Between loop iterations, outside every hiredis callback.
  void between_iterations();

  void link_ready(async_link& link) override;
  void link_closed(async_link& link, const error& why, bool was_ready) override;

  uv_loop_t* loop_;
  const config settings_;
  write_batch batch_;
  loop_handles* handles_ = nullptr;
  bool stopped_ = false;
  std::unordered_map<int, database> databases_;
  int last_db_ = -1;
  database* last_database_ = nullptr;
  // Every open connection, so that stop() and the timeouts reach them all.
  std::unordered_map<async_link*, std::shared_ptr<async_link>> open_;
  // Closed connections, kept alive until the loop is outside hiredis's callbacks for them.
  std::vector<std::shared_ptr<async_link>> closed_;
  std::shared_ptr<reachability_probe> probe_;  // the one running, if any
  std::uint64_t next_probe_at_ = 0;
  std::uint64_t probe_interval_ = 0;  // ms until the next probe while a wait goes on
};

}  // namespace atomkv::redis
