#pragma once
// The slot map asked for on the event loop (cluster_links::refresh_map), without holding it:
// CLUSTER SLOTS to each candidate in turn (the masters of the current map, then the seeds) over
// the candidates' async engines. The first complete map is installed, whichever candidate of the
// round sends it; a partial one (slots not served during a failover) only when no candidate knows
// better; none if a map was installed elsewhere meanwhile. One round runs at a time: a refresh
// asked for meanwhile is that round. A candidate that has not answered within command_timeout is
// passed over; slow is not dead, so its call stays on its connection, and the node is not asked
// again while that call waits. After a round that found no map, the next waits a pause.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "atomkv/result.hpp"
#include "cluster_topology.hpp"

namespace atomkv::redis {

class cluster_links;

class map_refresh : public std::enable_shared_from_this<map_refresh> {
 public:
  // `links` owns this object and outlives it.
  explicit map_refresh(cluster_links& links) : links_(links) {}

  // Asks the cluster again unless a map was installed since `seen`, or a round is under way.
  void start(std::uint64_t seen);
  bool running() const { return running_; }

 private:
  void ask_next();
  void answered(std::uint64_t round, std::uint64_t ask, const node_address& node,
                result<slot_map> parsed);
  // One timer at most: it checks the ask waited on, and comes back while one waits; cancelled
  // when the round ends, so that it does not keep the loop alive.
  void arm_timer(std::uint64_t ms);
  void on_timer();
  void finish();

  cluster_links& links_;
  bool running_ = false;
  std::uint64_t round_ = 0;  // rounds started, to number them
  std::uint64_t started_epoch_ = 0;
  std::vector<node_address> candidates_;
  std::size_t next_ = 0;                        // the next candidate to ask
  std::uint64_t asks_ = 0;                      // asks made, to number them
  std::uint64_t current_ask_ = 0;               // the ask waited on; 0 for none
  std::uint64_t asked_at_ = 0;                  // loop time of the current ask
  std::uint64_t timer_ = 0;                     // the links' number of the timer armed; 0 for none
  std::uint64_t no_round_before_ = 0;           // loop time
  std::shared_ptr<const slot_map> best_;        // a partial map, kept while others are asked
  std::unordered_set<std::string> waiting_on_;  // nodes whose CLUSTER SLOTS is not answered
};

}  // namespace atomkv::redis
