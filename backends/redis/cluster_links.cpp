#include "cluster_links.hpp"

#include <algorithm>
#include <cassert>

namespace atomkv::redis {

// A call waiting out a backoff. Its memory lives until the timer's close callback.
struct cluster_links::backoff_timer {
  uv_timer_t timer{};
  cluster_links* owner = nullptr;
  std::uint64_t number = 0;
  std::variant<std::unique_ptr<routed_apply>, std::function<void()>> then;

  static void on_close(uv_handle_t* handle) { delete static_cast<backoff_timer*>(handle->data); }
};

cluster_links::cluster_links(uv_loop_t* loop, std::shared_ptr<cluster_nodes> nodes)
    : loop_(loop),
      nodes_(std::move(nodes)),
      workers_(loop, kBlockingThreads, nodes_->settings().command_timeout) {}

cluster_links::~cluster_links() {
  if (!stopped_) {
    stop(error::other("redis cluster: the store was closed"));
  }
}

void cluster_links::stop(const error& why) {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  auto timers = std::move(timers_);
  timers_.clear();
  for (backoff_timer* waiting : timers) {
    uv_timer_stop(&waiting->timer);
    auto then = std::move(waiting->then);
    uv_close(reinterpret_cast<uv_handle_t*>(&waiting->timer), &backoff_timer::on_close);
    if (auto* call = std::get_if<std::unique_ptr<routed_apply>>(&then)) {
      (*call)->give_up(why);
    } else {
      std::get<std::function<void()>>(then)();  // finds the links stopped, and fails
    }
  }
  auto engines = std::move(engines_);
  engines_.clear();
  for (auto& [name, engine] : engines) {
    engine->stop(why);
  }
  workers_.stop(why);
  auto lanes = std::move(lanes_);
  lanes_.clear();
  for (auto& [lane, state] : lanes) {
    for (auto& waiting : state.waiting) {
      if (auto* call = std::get_if<std::unique_ptr<routed_apply>>(&waiting)) {
        (*call)->give_up(why);
      } else {
        std::get<held_work>(waiting).done(failure(why));  // not started: nothing of it ran
      }
    }
  }
}

void cluster_links::apply(std::uint16_t slot, std::uint64_t lane, apply_call call,
                          backend::apply_done done) {
  route where;
  where.slot = slot;
  where.lane = lane;
  where.deadline = now() + static_cast<std::uint64_t>(nodes_->settings().command_timeout.count());
  auto routed = std::make_unique<routed_apply>(*this, std::move(call), std::move(done), where);
  if (stopped_) {
    routed->give_up(error::other("redis cluster: not attached to an event loop"));
    return;
  }
  lane_state& state = lanes_[lane];
  if (!state.waiting.empty() || must_wait(state)) {
    state.waiting.emplace_back(std::move(routed));
    return;
  }
  start_in_lane(std::move(routed));
}

bool cluster_links::must_wait(const lane_state& state) const {
  return state.retrying > 0 || state.working ||
         (state.in_flight > 0 && state.epoch != nodes_->epoch());
}

void cluster_links::in_lane_order(std::uint64_t lane, blocking_workers::job work,
                                  backend::apply_done done) {
  if (stopped_) {
    done(failure(error::other("redis cluster: not attached to an event loop")));
    return;
  }
  lane_state& state = lanes_[lane];
  if (!state.waiting.empty() || state.in_flight > 0) {
    state.waiting.emplace_back(held_work{std::move(work), std::move(done)});
    return;
  }
  start_work(lane, held_work{std::move(work), std::move(done)});
}

void cluster_links::start_work(std::uint64_t lane, held_work held) {
  lane_state& state = lanes_[lane];
  assert(state.in_flight == 0);
  ++state.in_flight;
  state.working = true;
  const bool waits = workers_.run(
      std::move(held.work),
      [self = weak_from_this(), lane, done = std::move(held.done)](blocking_workers::outcome r) {
        // The completion may start the client's next command, or even close the store.
        const auto links = self.lock();
        if (links && !links->stopped_) {
          auto found = links->lanes_.find(lane);
          assert(found != links->lanes_.end() && found->second.working);
          if (found != links->lanes_.end()) {
            found->second.working = false;
          }
        }
        done(std::move(r));
        if (links) {
          links->completed(lane, false);
        }
      });
  if (waits && overdue_timer_ == 0) {
    // Every thread waits on a node: fail the work on time if none is free by its deadline.
    watch_overdue_work(workers_.queue_wait());
  }
}

void cluster_links::watch_overdue_work(std::chrono::milliseconds until_due) {
  // The work's pending call keeps the loop alive while it waits; the timer need not. It belongs
  // to these links, and stop() runs it before the workers go.
  overdue_timer_ = after(
      static_cast<std::uint64_t>(until_due.count()),
      [this] {
        overdue_timer_ = 0;
        // The loop's clock may lag the work's: early, it finds the next due and waits again.
        if (auto next_due = workers_.fail_overdue(); next_due && !stopped_) {
          watch_overdue_work(*next_due);
        }
      },
      false);
}

void cluster_links::start_in_lane(std::unique_ptr<routed_apply> call) {
  lane_state& state = lanes_[call->where().lane];
  ++state.in_flight;
  state.epoch = nodes_->epoch();
  send(std::move(call));
}

void cluster_links::send(std::unique_ptr<routed_apply> call) {
  if (stopped_) {
    call->give_up(error::other("redis cluster: not attached to an event loop"));
    return;
  }
  route& where = call->where();
  node_address node;
  if (where.target) {
    node = *where.target;
  } else {
    where.seen_epoch = nodes_->epoch();
    auto map = nodes_->map();  // asks the cluster only when no map is known yet
    if (!map) {
      call->wait_again(map.error().message);
      send_after_backoff(std::move(call));
      return;
    }
    const node_address* master = map.value()->master_of(where.slot);
    if (master == nullptr) {
      call->wait_again("CLUSTERDOWN Hash slot not served");
      refresh_map(where.seen_epoch);
      send_after_backoff(std::move(call));
      return;
    }
    node = *master;
  }
  ++where.attempts;
  auto engine = engine_for(node);
  if (!engine) {
    call->give_up(error::other("redis cluster: " + node.text() + ": cannot start a connection"));
    return;
  }
  engine->send(0, where.lane, std::move(call));
}

void cluster_links::send_after_backoff(std::unique_ptr<routed_apply> call) {
  route& where = call->where();
  if (stopped_) {
    call->give_up(error::other("redis cluster: not attached to an event loop"));
    return;
  }
  const std::uint64_t at = now();
  if (at >= where.deadline) {
    call->give_up(error::other("redis cluster: slot " + std::to_string(where.slot) + ": " +
                               where.last + " (gave up after " + std::to_string(where.attempts) +
                               " attempts; nothing applied)"));
    return;
  }
  start_timer(std::min(backoff_ms(where.attempts), where.deadline - at), std::move(call));
}

std::uint64_t cluster_links::after(std::uint64_t ms, std::function<void()> then,
                                   bool keeps_loop_alive) {
  if (stopped_) {
    then();
    return 0;
  }
  return start_timer(ms, std::move(then), keeps_loop_alive);
}

void cluster_links::cancel_after(std::uint64_t timer) {
  auto found = std::find_if(timers_.begin(), timers_.end(),
                            [timer](const backoff_timer* t) { return t->number == timer; });
  if (timer == 0 || found == timers_.end()) {
    return;  // ran already
  }
  backoff_timer* waiting = *found;
  assert(std::holds_alternative<std::function<void()>>(waiting->then));
  timers_.erase(found);
  uv_timer_stop(&waiting->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&waiting->timer), &backoff_timer::on_close);
}

std::uint64_t cluster_links::start_timer(
    std::uint64_t ms, std::variant<std::unique_ptr<routed_apply>, std::function<void()>> then,
    bool keeps_loop_alive) {
  auto* waiting = new backoff_timer;
  waiting->owner = this;
  waiting->number = ++timers_started_;
  waiting->then = std::move(then);
  uv_timer_init(loop_, &waiting->timer);
  waiting->timer.data = waiting;
  timers_.insert(waiting);
  uv_timer_start(
      &waiting->timer,
      [](uv_timer_t* timer) {
        auto* self = static_cast<backoff_timer*>(timer->data);
        cluster_links* owner = self->owner;
        auto then = std::move(self->then);
        owner->timers_.erase(self);
        uv_close(reinterpret_cast<uv_handle_t*>(timer), &backoff_timer::on_close);
        if (auto* call = std::get_if<std::unique_ptr<routed_apply>>(&then)) {
          owner->send(std::move(*call));
        } else {
          std::get<std::function<void()>>(then)();
        }
      },
      ms, 0);
  if (!keeps_loop_alive) {
    uv_unref(reinterpret_cast<uv_handle_t*>(&waiting->timer));
  }
  return waiting->number;
}

void cluster_links::retrying(std::uint64_t lane) {
  if (stopped_) {
    return;
  }
  auto found = lanes_.find(lane);
  assert(found != lanes_.end() && found->second.in_flight > found->second.retrying);
  if (found != lanes_.end()) {
    ++found->second.retrying;
  }
}

void cluster_links::completed(std::uint64_t lane, bool was_retrying) {
  if (stopped_) {
    return;
  }
  auto found = lanes_.find(lane);
  assert(found != lanes_.end() && found->second.in_flight > 0);
  if (found == lanes_.end()) {
    return;
  }
  --found->second.in_flight;
  if (was_retrying) {
    assert(found->second.retrying > 0);
    --found->second.retrying;
  }
  run_waiting(lane);
}

void cluster_links::run_waiting(std::uint64_t lane) {
  // What runs here may come back to this lane (a completion that starts the client's next
  // command): the lane is looked up afresh each time.
  for (;;) {
    if (stopped_) {
      return;
    }
    auto found = lanes_.find(lane);
    if (found == lanes_.end()) {
      return;
    }
    lane_state& state = found->second;
    if (state.waiting.empty()) {
      if (state.in_flight == 0) {
        lanes_.erase(found);
      }
      return;
    }
    if (auto* call = std::get_if<std::unique_ptr<routed_apply>>(&state.waiting.front())) {
      if (must_wait(state)) {
        return;
      }
      auto next = std::move(*call);
      state.waiting.pop_front();
      start_in_lane(std::move(next));
      continue;
    }
    if (state.in_flight > 0) {
      return;  // the blocking work waits for the calls sent before it
    }
    auto held = std::move(std::get<held_work>(state.waiting.front()));
    state.waiting.pop_front();
    start_work(lane, std::move(held));
  }
}

void cluster_links::refresh_map(std::uint64_t seen) {
  if (stopped_) {
    return;
  }
  if (!refresh_) {
    refresh_ = std::make_shared<map_refresh>(*this);
  }
  refresh_->start(seen);  // a failure leaves the old map: the next attempt finds out
}

std::shared_ptr<async_engine> cluster_links::engine_for(const node_address& node) {
  if (stopped_) {
    return nullptr;
  }
  auto& engine = engines_[node.text()];
  if (!engine) {
    config settings = nodes_->settings();
    settings.host = node.host;
    settings.port = node.port;
    settings.db = 0;
    auto made = std::make_shared<async_engine>(loop_, std::move(settings));
    if (!made->start()) {
      engines_.erase(node.text());
      return nullptr;
    }
    engine = std::move(made);
  }
  return engine;
}

}  // namespace atomkv::redis
