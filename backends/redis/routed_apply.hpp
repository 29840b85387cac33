#pragma once
// One apply of the Redis Cluster backend on the event loop: a call (apply_call) for the keys of
// one slot, sent by cluster_links to the slot's master on the caller's lane. Its replies decide
// what comes next (cluster_routing.hpp): the answer, or a new attempt — a successor that takes
// over the untouched copy of the call, the completion and the route so far — when a reply proves
// that the call did not run (MOVED, ASK, TRYAGAIN, CLUSTERDOWN), or when the call never left
// (no connection to its node could be made). A call that may have run is never sent again.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "async_call.hpp"
#include "atomkv/backend.hpp"
#include "cluster_routing.hpp"
#include "commands.hpp"

namespace atomkv::redis {

class cluster_links;

// Where a call stands on its way to the right master.
struct route {
  std::uint16_t slot = 0;
  std::uint64_t lane = 0;
  std::uint64_t deadline = 0;  // loop time after which no new attempt starts
  int attempts = 0;            // sent or tried so far
  int redirections = 0;
  std::optional<node_address> target;  // where MOVED or ASK pointed; else the map's master
  bool asking = false;                 // ASKING goes first (ASK)
  std::uint64_t seen_epoch = 0;        // the slot map's epoch when the target was picked
  std::string last = "no attempt";     // why the last attempt did not answer
  bool retrying = false;               // counted in its lane's calls being sent again
};

class routed_apply final : public async_call {
 public:
  routed_apply(cluster_links& links, apply_call call, backend::apply_done done, route where);
  // The next attempt of `before`, which keeps nothing of its own afterwards.
  routed_apply(routed_apply&& before, route where);
  routed_apply(const routed_apply&) = delete;
  routed_apply& operator=(const routed_apply&) = delete;
  ~routed_apply() override;

  route& where() { return route_; }
  // Ends the call with `why` and sends nothing more (a stopped store, the deadline).
  void give_up(error why);
  // No attempt could be made (no slot map, the slot not served): the next waits a backoff, and
  // counts as an attempt; the call holds back its lane's new calls meanwhile.
  void wait_again(std::string why);

  const request& command() const override;
  void on_reply(const redisReply& reply) override;
  void finish() override;
  void fail(error why) override;

 private:
  void complete(result<std::vector<op_result>> outcome);
  // The route of the next attempt; counts the call as retrying in its lane, once.
  route next_route(std::string why);

  cluster_links* links_;
  apply_call pristine_;  // as built, for a next attempt; call_ is this attempt's
  apply_call call_;
  redirect_sink sink_;
  request with_asking_;  // ASKING then the call, when route_.asking
  backend::apply_done done_;
  route route_;
  bool completed_ = false;
};

}  // namespace atomkv::redis
