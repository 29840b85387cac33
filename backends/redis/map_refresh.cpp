#include "map_refresh.hpp"

#include <algorithm>
#include <utility>

#include "async_call.hpp"
#include "cluster_links.hpp"
#include "slots_call.hpp"

namespace atomkv::redis {
namespace {

// Any shared connection carries it: the map has no order to keep with other calls.
constexpr std::uint64_t kMapLane = ~std::uint64_t{0};

// After a round that found no map (every node refused or failed), the pause before the next.
constexpr std::uint64_t kPauseAfterNoMapMs = 100;

std::uint64_t command_timeout_ms(cluster_links& links) {
  return static_cast<std::uint64_t>(
      std::max<std::int64_t>(1, links.nodes().settings().command_timeout.count()));
}

}  // namespace

void map_refresh::start(std::uint64_t seen) {
  if (running_ || links_.stopped() || links_.nodes().has_map_since(seen) ||
      links_.now() < no_round_before_) {
    return;
  }
  running_ = true;
  ++round_;
  started_epoch_ = links_.nodes().epoch();
  candidates_ = links_.nodes().candidates();
  next_ = 0;
  best_.reset();
  ask_next();
}

void map_refresh::ask_next() {
  while (!links_.stopped() && next_ < candidates_.size()) {
    const node_address node = candidates_[next_++];
    if (waiting_on_.contains(node.text())) {
      continue;
    }
    auto engine = links_.engine_for(node);
    if (!engine) {
      continue;
    }
    const std::uint64_t ask = ++asks_;
    current_ask_ = ask;
    asked_at_ = links_.now();
    waiting_on_.insert(node.text());
    if (timer_ == 0) {
      arm_timer(command_timeout_ms(links_));
    }
    const std::weak_ptr<map_refresh> self = weak_from_this();
    // Its answer may come at once (the engine refuses a node it cannot reach): nothing after this.
    engine->send(
        0, kMapLane,
        bind_call(slots_call(node), [self, round = round_, ask, node](result<slot_map> parsed) {
          if (auto refresh = self.lock()) {
            refresh->answered(round, ask, node, std::move(parsed));
          }
        }));
    return;
  }
  finish();
}

void map_refresh::answered(std::uint64_t round, std::uint64_t ask, const node_address& node,
                           result<slot_map> parsed) {
  waiting_on_.erase(node.text());
  if (!running_ || round != round_ || links_.stopped()) {
    return;  // that round is over
  }
  const bool waited_on = ask == current_ask_;
  if (waited_on) {
    current_ask_ = 0;
  }
  if (parsed) {
    auto map = std::make_shared<const slot_map>(std::move(parsed).value());
    if (map->complete()) {
      // Even from a candidate passed over: the round need not wait for the others.
      best_ = std::move(map);
      finish();
      return;
    }
    if (!best_) {
      best_ = std::move(map);
    }
  }
  if (waited_on) {
    ask_next();
  }
}

void map_refresh::arm_timer(std::uint64_t ms) {
  timer_ = links_.after(ms, [self = weak_from_this()] {
    if (auto refresh = self.lock()) {
      refresh->on_timer();
    }
  });
}

void map_refresh::on_timer() {
  timer_ = 0;
  if (!running_ || current_ask_ == 0 || links_.stopped()) {
    return;
  }
  const std::uint64_t waited = links_.now() - asked_at_;
  const std::uint64_t timeout = command_timeout_ms(links_);
  if (waited < timeout) {
    arm_timer(timeout - waited);  // a later ask than the one the timer was armed for
    return;
  }
  current_ask_ = 0;  // passed over: its answer still counts if it comes during this round
  ask_next();
}

void map_refresh::finish() {
  if (!links_.stopped()) {
    if (best_) {
      // Not over a map installed meanwhile (a blocking refresh): that one is as new.
      links_.nodes().install_if_unchanged(std::move(best_), started_epoch_);
    } else {
      no_round_before_ = links_.now() + kPauseAfterNoMapMs;
    }
  }
  if (timer_ != 0) {
    links_.cancel_after(std::exchange(timer_, 0));
  }
  best_.reset();
  candidates_.clear();
  current_ask_ = 0;
  running_ = false;
}

}  // namespace atomkv::redis
