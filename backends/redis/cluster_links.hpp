#pragma once
// The Redis Cluster backend's asynchronous side, on the event loop given to store::attach_loop:
// one async_engine (async_engine.hpp) per node, made when first needed, which pipelines the
// calls of every lane over its shared connections; and the routing of each call (routed_apply)
// to the master of its slot, as cluster_nodes::run does for the blocking calls: MOVED goes to
// the new owner and refreshes the slot map, ASK sends ASKING and the call to the target once,
// TRYAGAIN and CLUSTERDOWN wait a backoff on a timer, and a call that never left (its node
// refused the connection: a master that died) waits a backoff and goes where a refreshed map
// says. At most cluster_nodes::kMaxRedirections redirections; no new attempt after
// command_timeout. The slot map is refreshed on the loop too (map_refresh.hpp), after MOVED or
// a lost node; meanwhile calls go by the old map, or where the redirection said.
//
// Per lane, calls take effect in order (backend.hpp). Calls routed by one slot map go out at
// once: those on one slot share a connection, whose replies come in order. A lane's new call
// waits for the calls in flight when they were routed by an older map (it could reach a slot's
// new master before them), and while one of them is being sent again (a redirection or a
// backoff), so that nothing overtakes it. Work that does not go this way (the blocking forms:
// operations on the whole bucket, listings) runs on a worker thread only once the lane's calls
// in flight are answered, and calls that come after it wait for it.

#include <uv.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "async_engine.hpp"
#include "blocking_workers.hpp"
#include "cluster_nodes.hpp"
#include "map_refresh.hpp"
#include "routed_apply.hpp"

namespace atomkv::redis {

class cluster_links : public std::enable_shared_from_this<cluster_links> {
 public:
  // Threads for the blocking work of one loop, at most: each is mostly waiting on a node.
  static constexpr std::size_t kBlockingThreads = 8;

  cluster_links(uv_loop_t* loop, std::shared_ptr<cluster_nodes> nodes);
  ~cluster_links();
  cluster_links(const cluster_links&) = delete;
  cluster_links& operator=(const cluster_links&) = delete;

  // Fails every call held with `why` and closes every connection and timer. Final.
  void stop(const error& why);

  // `call` on the keys of `slot`, on `lane`; `done` gets its results.
  void apply(std::uint16_t slot, std::uint64_t lane, apply_call call, backend::apply_done done);
  // Runs `work` on a worker thread (blocking_workers.hpp) once every call before it on `lane` is
  // answered, at once if none is in flight, then `done` on the loop with its result; the lane's
  // calls after it wait for it.
  void in_lane_order(std::uint64_t lane, blocking_workers::job work, backend::apply_done done);

  // For routed_apply: the next attempt of a call, now; after a backoff; its completion.
  void send(std::unique_ptr<routed_apply> call);
  void send_after_backoff(std::unique_ptr<routed_apply> call);
  // A call of `lane` is to be sent again: the lane's new calls wait until it completes.
  void retrying(std::uint64_t lane);
  void completed(std::uint64_t lane, bool was_retrying);
  // Asks the cluster for the slot map again unless it changed since `seen`, without waiting for
  // the answer.
  void refresh_map(std::uint64_t seen);
  // Loop time, brought up to date (blocking calls may have run since the loop last polled).
  std::uint64_t now() const {
    uv_update_time(loop_);
    return uv_now(loop_);
  }

  // For transactions (cluster_async_transaction): the engine of `node` (none once stopped),
  // and `then` run after `ms` on the loop — or at once when the links stop, to fail its work.
  // after() returns the timer's number for cancel_after, which drops `then` unrun (a timer
  // armed keeps the loop alive, unless told not to); 0 when it ran at once.
  std::shared_ptr<async_engine> engine_for(const node_address& node);
  std::uint64_t after(std::uint64_t ms, std::function<void()> then, bool keeps_loop_alive = true);
  void cancel_after(std::uint64_t timer);
  bool stopped() const { return stopped_; }
  std::size_t timers_armed() const { return timers_.size(); }
  cluster_nodes& nodes() { return *nodes_; }
  // The pause before attempt `attempts + 1`, as the blocking calls wait it.
  static std::uint64_t backoff_ms(int attempts) {
    return static_cast<std::uint64_t>(std::min(10 << std::min(attempts, 4), 200));
  }

 private:
  struct held_work {
    blocking_workers::job work;
    backend::apply_done done;
  };
  struct lane_state {
    std::size_t in_flight = 0;  // sent and not completed, those being sent again included
    std::size_t retrying = 0;   // of those, being sent again
    bool working = false;       // of those, a blocking work on a worker thread
    std::uint64_t epoch = 0;    // of the slot map that routed the calls in flight
    // Waiting for the calls before them: a blocking work, or a call to send.
    std::deque<std::variant<held_work, std::unique_ptr<routed_apply>>> waiting;
  };
  struct backoff_timer;

  std::uint64_t start_timer(std::uint64_t ms,
                            std::variant<std::unique_ptr<routed_apply>, std::function<void()>> then,
                            bool keeps_loop_alive = true);
  // A timer that fails the blocking work waiting for a thread when it is due, while some waits.
  void watch_overdue_work(std::chrono::milliseconds until_due);
  void start_in_lane(std::unique_ptr<routed_apply> call);
  void start_work(std::uint64_t lane, held_work held);
  // Whether a new call of the lane must wait for the ones before it.
  bool must_wait(const lane_state& state) const;
  void run_waiting(std::uint64_t lane);

  uv_loop_t* loop_;
  std::shared_ptr<cluster_nodes> nodes_;
  bool stopped_ = false;
  std::map<std::string, std::shared_ptr<async_engine>> engines_;  // by host:port
  std::unordered_map<std::uint64_t, lane_state> lanes_;
  std::unordered_set<backoff_timer*> timers_;
  std::uint64_t timers_started_ = 0;      // to number them
  std::uint64_t overdue_timer_ = 0;       // watch_overdue_work's, while armed
  std::shared_ptr<map_refresh> refresh_;  // made on first use
  blocking_workers workers_;
};

// Where a cluster store's asynchronous forms run: set by attach_loop, cleared by detach_loop,
// shared by the store and every bucket it opened. Used on the loop's thread only.
struct cluster_binding {
  std::shared_ptr<cluster_links> links;  // null while no loop is attached
};

}  // namespace atomkv::redis
