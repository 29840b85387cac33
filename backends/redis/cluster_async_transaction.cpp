#include "cluster_async_transaction.hpp"

#include <algorithm>
#include <deque>
#include <functional>

#include "atomkv/kept_operations.hpp"
#include "checked_call.hpp"
#include "commands.hpp"

namespace atomkv::redis {
namespace {

error not_attached() {
  return error::other("redis cluster: not attached to an event loop");
}

error lost_watches() {
  return error::other("connection lost: watches released, nothing applied");
}

}  // namespace

struct cluster_async_transaction::pinned {
  std::shared_ptr<cluster_links> links;
  std::string prefix;
  bool one_slot_bucket = false;
  std::uint64_t lane = 0;                // of commits with nothing watched (routed calls)
  std::shared_ptr<async_engine> engine;  // the one `link` came from
  std::shared_ptr<async_link> link;
  node_address node;                  // where `link` goes
  std::optional<std::uint16_t> slot;  // of the watched keys
  std::size_t in_flight = 0;
  // Whether a WATCH will be live once every call sent has been answered.
  bool watching = false;
  // The watches ended without EXEC or UNWATCH (connection lost, slot moved): the next commit
  // must fail.
  bool watches_lost = false;
  bool abandoned = false;  // the transaction is gone; its connection was handed back
  // One call at a time, in call order: a WATCH that the cluster sends elsewhere is sent again,
  // and nothing of the transaction may run on its connection meanwhile (a commit behind a
  // refused WATCH would run unwatched).
  bool busy = false;
  std::deque<std::function<void()>> queued;

  void run_next() {
    while (!busy && !queued.empty()) {
      auto next = std::move(queued.front());
      queued.pop_front();
      busy = true;
      next();
    }
  }

  // Notices a closed connection.
  void check_link() {
    if (link && link->closed()) {
      watches_lost = watches_lost || watching;
      watching = false;
      slot.reset();
      link.reset();
      engine.reset();
    }
  }

  // Gives the connection back; `maybe_dirty`: a WATCH may be live on it, or calls in flight.
  void release_link(bool maybe_dirty) {
    if (link && engine) {
      engine->give_back(std::move(link), maybe_dirty);
    }
    link.reset();
    engine.reset();
  }

  // After a call completes: the connection goes back once nothing depends on it.
  void settle() {
    check_link();
    if (!abandoned && link && in_flight == 0 && !watching) {
      release_link(false);
      slot.reset();
    }
  }

  // Ends the watches without EXEC (a commit refused before it is sent).
  void end_watches() {
    check_link();
    if (watching) {
      watching = false;
      slot.reset();
      release_link(true);  // UNWATCH before anyone reuses it
    }
    watches_lost = false;
  }

  // A connection to `master`: the one held if it goes there, else a new one.
  result<void> connect_to(const node_address& master) {
    check_link();
    if (link && node == master) {
      return outcome::success();
    }
    release_link(in_flight > 0 || watching);
    auto to = links->engine_for(master);
    if (!to) {
      return failure(not_attached());
    }
    BOOST_OUTCOME_TRY(leased, to->lease(0));
    engine = std::move(to);
    link = std::move(leased);
    node = master;
    return outcome::success();
  }
};

namespace {

// `done`, once the call is over: the transaction's next call may start.
template <class Pinned, class Done>
auto then_next(std::shared_ptr<Pinned> pin, Done done) {
  return [pin = std::move(pin), done = std::move(done)](auto outcome) {
    pin->busy = false;
    done(std::move(outcome));
    pin->run_next();
  };
}

error transaction_closed() {
  return error::other("redis cluster: the transaction was closed");
}

// One WATCH, as long as the cluster sends it elsewhere.
struct watch_attempt {
  std::vector<std::string> keys;
  bool read_values = false;
  std::uint16_t slot = 0;
  int attempts = 0;
  std::uint64_t deadline = 0;
  std::optional<node_address> target;  // where MOVED pointed
};

}  // namespace

template <class Pinned>
static void start_watch(std::shared_ptr<Pinned> pin, std::shared_ptr<watch_attempt> w,
                        backend::watch_done done) {
  Pinned& p = *pin;
  if (p.links->stopped()) {
    done(failure(not_attached()));
    return;
  }
  if (p.abandoned) {
    done(failure(transaction_closed()));  // a retry after the transaction ended
    return;
  }
  p.check_link();
  if (p.watches_lost) {
    done(failure(lost_watches()));
    return;
  }
  cluster_nodes& nodes = p.links->nodes();
  const std::uint64_t seen = nodes.epoch();
  const auto retry_or_fail = [&](std::string line) {
    if (w->attempts > cluster_nodes::kMaxRedirections || p.links->now() >= w->deadline) {
      done(failure(error::other("redis cluster: slot " + std::to_string(w->slot) + ": " + line +
                                " (nothing watched)")));
      return;
    }
    p.links->after(cluster_links::backoff_ms(w->attempts),
                   [pin, w, done] { start_watch(pin, w, done); });
  };
  node_address master;
  if (p.watching) {
    master = p.node;  // the keys watched before hold the connection (same slot: checked)
  } else if (w->target) {
    master = *w->target;
  } else {
    auto map = nodes.map();
    if (!map) {
      done(failure(std::move(map).error()));
      return;
    }
    const node_address* owner = map.value()->master_of(w->slot);
    if (owner == nullptr) {
      ++w->attempts;
      p.links->refresh_map(seen);
      retry_or_fail("CLUSTERDOWN Hash slot not served");
      return;
    }
    master = *owner;
  }
  if (auto connected = p.connect_to(master); !connected) {
    done(failure(std::move(connected).error()));
    return;
  }
  const bool had_watches = p.watching;
  p.watching = true;  // from now until a reply says otherwise
  p.slot = w->slot;   // so that a WATCH sent behind this one finds keys of another slot
  ++p.in_flight;
  ++w->attempts;
  std::vector<std::string_view> keys(w->keys.begin(), w->keys.end());
  p.link->send(check_call(
      watch_call(p.prefix, keys, w->read_values),
      [pin, w, done, had_watches, seen](result<retry_decision> decided, watch_call& call) {
        Pinned& p = *pin;
        --p.in_flight;
        if (!decided) {
          p.settle();  // the connection is gone, and with it any watch (the next commit fails)
          done(failure(std::move(decided).error()));
          return;
        }
        if (decided.value().what == retry_decision::kind::done) {
          p.slot = w->slot;
          auto values = call.finish();
          p.settle();
          done(std::move(values));
          return;
        }
        // This WATCH was refused: nothing of it is in place.
        const retry_decision& next = decided.value();
        p.watching = had_watches;
        if (!had_watches) {
          p.slot.reset();
        }
        if (had_watches) {
          // The keys watched before are watched on a node that no longer owns them.
          p.end_watches();
          p.watches_lost = true;
          done(failure(error::other("redis cluster: slot " + std::to_string(w->slot) +
                                    " moved under watched keys: " + next.line)));
          return;
        }
        p.release_link(true);
        if (w->attempts > cluster_nodes::kMaxRedirections || p.links->now() >= w->deadline) {
          done(failure(error::other("redis cluster: slot " + std::to_string(w->slot) + ": " +
                                    next.line + " (nothing watched)")));
          return;
        }
        if (next.what == retry_decision::kind::moved) {
          p.links->refresh_map(seen);
          w->target = next.to;
          start_watch(pin, w, done);
          return;
        }
        // ASK, TRYAGAIN: a key of the slot is being migrated; watch once the move is done.
        w->target.reset();
        if (next.line.starts_with("CLUSTERDOWN")) {
          p.links->refresh_map(seen);
        }
        p.links->after(cluster_links::backoff_ms(w->attempts),
                       [pin, w, done] { start_watch(pin, w, done); });
      }));
}

cluster_async_transaction::cluster_async_transaction(std::shared_ptr<cluster_links> links,
                                                     std::shared_ptr<cluster_nodes> nodes,
                                                     std::string prefix, bool one_slot_bucket)
    : pin_(std::make_shared<pinned>()), blocking_(std::move(nodes), prefix, one_slot_bucket) {
  pin_->links = std::move(links);
  pin_->prefix = std::move(prefix);
  pin_->one_slot_bucket = one_slot_bucket;
  // A lane of its own, apart from the proxy's client lanes (small numbers).
  pin_->lane = reinterpret_cast<std::uintptr_t>(pin_.get()) | (std::uint64_t{1} << 63);
}

cluster_async_transaction::~cluster_async_transaction() {
  pinned& p = *pin_;
  p.abandoned = true;
  p.check_link();
  p.release_link(p.watching || p.in_flight > 0);
}

result<std::vector<std::optional<std::string>>> cluster_async_transaction::watch(
    std::span<const std::string_view> keys, bool read_values) {
  return blocking_.watch(keys, read_values);
}

result<std::optional<std::vector<op_result>>> cluster_async_transaction::commit(
    std::span<const operation> ops) {
  return blocking_.commit(ops);
}

result<void> cluster_async_transaction::unwatch() {
  return blocking_.unwatch();
}

void cluster_async_transaction::watch_async(std::span<const std::string_view> keys,
                                            bool read_values, backend::watch_done done) {
  pin_->queued.push_back([pin = pin_, keys = std::vector<std::string>(keys.begin(), keys.end()),
                          read_values, done = then_next(pin_, std::move(done))]() mutable {
    begin_watch(pin, std::move(keys), read_values, std::move(done));
  });
  pin_->run_next();
}

void cluster_async_transaction::commit_async(std::span<const operation> ops,
                                             backend::commit_done done) {
  pin_->queued.push_back([pin = pin_, kept = std::make_shared<kept_operations>(ops),
                          done = then_next(pin_, std::move(done))]() mutable {
    begin_commit(pin, kept->ops(), std::move(done));
  });
  pin_->run_next();
}

void cluster_async_transaction::unwatch_async(backend::unwatch_done done) {
  pin_->queued.push_back([pin = pin_, done = then_next(pin_, std::move(done))]() mutable {
    begin_unwatch(pin, std::move(done));
  });
  pin_->run_next();
}

void cluster_async_transaction::begin_watch(const std::shared_ptr<pinned>& pin,
                                            std::vector<std::string> keys, bool read_values,
                                            backend::watch_done done) {
  if (keys.empty()) {
    done(std::vector<std::optional<std::string>>());
    return;
  }
  if (pin->abandoned) {
    done(failure(transaction_closed()));
    return;
  }
  std::vector<std::string_view> views(keys.begin(), keys.end());
  auto common = common_slot(pin->prefix, views);
  if (!common) {
    done(failure(std::move(common).error()));
    return;
  }
  pinned& p = *pin;
  p.check_link();
  if (p.watching && p.slot && *p.slot != *common.value()) {
    done(failure(error::other(std::string(kCrossSlot))));
    return;
  }
  auto w = std::make_shared<watch_attempt>();
  w->keys = std::move(keys);
  w->read_values = read_values;
  w->slot = *common.value();
  w->deadline = p.links->now() +
                static_cast<std::uint64_t>(p.links->nodes().settings().command_timeout.count());
  start_watch(pin, std::move(w), std::move(done));
}

void cluster_async_transaction::begin_commit(const std::shared_ptr<pinned>& pin,
                                             std::span<const operation> ops,
                                             backend::commit_done done) {
  pinned& p = *pin;
  if (p.abandoned) {
    done(failure(transaction_closed()));
    return;
  }
  p.check_link();
  if (p.watches_lost) {
    // A new connection would run MULTI/EXEC without the watches: an unconditional write.
    p.watches_lost = false;
    done(failure(lost_watches()));
    return;
  }
  if (!p.one_slot_bucket && std::any_of(ops.begin(), ops.end(), spans_bucket)) {
    p.end_watches();
    done(failure(error::other(
        "redis cluster: a transaction holds keys of one slot, not operations on the whole "
        "bucket")));
    return;
  }
  auto common = p.one_slot_bucket ? result<std::optional<std::uint16_t>>(bucket_slot(p.prefix))
                                  : common_slot(p.prefix, ops);
  if (!common || (p.watching && common.value() && p.slot && *common.value() != *p.slot)) {
    p.end_watches();
    done(failure(error::other(std::string(kCrossSlot))));
    return;
  }
  if (!p.watching) {
    p.settle();
    if (!common.value()) {
      done(std::optional<std::vector<op_result>>(std::vector<op_result>()));
      return;
    }
    // Nothing watched: MULTI/EXEC wherever the slot is now, redirections followed.
    p.links->apply(*common.value(), p.lane, apply_call::for_commit(p.prefix, 0, ops),
                   [done = std::move(done)](result<std::vector<op_result>> applied) {
                     if (!applied) {
                       done(failure(std::move(applied).error()));
                     } else {
                       done(std::optional<std::vector<op_result>>(std::move(applied).value()));
                     }
                   });
    return;
  }
  p.watching = false;  // EXEC, even a refused one, drops every watch of the connection
  ++p.in_flight;
  p.link->send(
      check_call(apply_call::for_commit(p.prefix, 0, ops),
                 [pin, done = std::move(done)](result<retry_decision> decided, apply_call& call) {
                   pinned& p = *pin;
                   --p.in_flight;
                   p.slot.reset();
                   if (!decided) {
                     p.check_link();
                     p.watches_lost = false;  // this commit reports it
                     p.settle();
                     done(failure(std::move(decided).error()));
                     return;
                   }
                   if (decided.value().what != retry_decision::kind::done) {
                     // The slot moved or is migrating: EXEC did not run. The next watch finds its
                     // master.
                     p.settle();
                     p.links->refresh_map(p.links->nodes().epoch());
                     done(std::optional<std::vector<op_result>>());
                     return;
                   }
                   auto committed = call.finish();
                   p.settle();
                   done(std::move(committed));
                 }));
}

void cluster_async_transaction::begin_unwatch(const std::shared_ptr<pinned>& pin,
                                              backend::unwatch_done done) {
  pinned& p = *pin;
  p.check_link();
  p.watches_lost = false;  // gone with their connection: nothing left to release
  if (!p.link || !p.watching) {
    p.settle();
    done(outcome::success());
    return;
  }
  p.watching = false;
  p.slot.reset();
  ++p.in_flight;
  p.link->send(bind_call(unwatch_call(), [pin, done = std::move(done)](result<void> r) {
    --pin->in_flight;
    if (!r && pin->link) {
      // Whether the watches are still there is unknown: the connection must not be reused.
      pin->link->close(error::other("redis: UNWATCH failed: " + r.error().message));
    }
    pin->settle();
    done(outcome::success());  // released either way: acknowledged, or gone with the connection
  }));
}

}  // namespace atomkv::redis
