#include "routed_apply.hpp"

#include <cassert>

#include "cluster_links.hpp"
#include "cluster_nodes.hpp"

namespace atomkv::redis {

routed_apply::routed_apply(cluster_links& links, apply_call call, backend::apply_done done,
                           route where)
    : links_(&links),
      pristine_(call),
      call_(std::move(call)),
      sink_(call_, 0),
      done_(std::move(done)),
      route_(std::move(where)) {}

routed_apply::routed_apply(routed_apply&& before, route where)
    : links_(before.links_),
      pristine_(std::move(before.pristine_)),
      call_(pristine_),
      sink_(call_, where.asking ? 1 : 0),
      done_(std::move(before.done_)),
      route_(std::move(where)) {
  before.completed_ = true;  // its completion is now this attempt's
  if (route_.asking) {
    with_asking_.add({"ASKING"});
    with_asking_.append(call_.command());
  }
}

routed_apply::~routed_apply() {
  // Every attempt ends in finish() or fail(), and each completes or hands over.
  assert(completed_);
}

const request& routed_apply::command() const {
  return route_.asking ? with_asking_ : call_.command();
}

void routed_apply::on_reply(const redisReply& reply) {
  sink_.on_reply(reply);
}

void routed_apply::finish() {
  retry_decision next = sink_.decide();
  if (next.what == retry_decision::kind::done) {
    auto applied = call_.finish();
    if (!applied) {
      complete(failure(std::move(applied).error()));
    } else if (!applied.value()) {
      // No WATCH was sent on this connection, so EXEC cannot answer nil.
      complete(failure(error::other("redis: EXEC aborted without a watch")));
    } else {
      complete(std::move(*applied.value()));
    }
    return;
  }
  // A reply proves the call did not run: another attempt.
  cluster_links& links = *links_;
  if (links.stopped()) {
    complete(failure(error::other("redis cluster: " + next.line + " (stopped; nothing applied)")));
    return;
  }
  route where = next_route(next.line);
  switch (next.what) {
    case retry_decision::kind::done:
      break;
    case retry_decision::kind::moved:
    case retry_decision::kind::ask:
      if (++where.redirections > cluster_nodes::kMaxRedirections || links.now() >= where.deadline) {
        route_ = std::move(where);  // counted as retrying: completed so
        complete(failure(error::other("redis cluster: slot " + std::to_string(route_.slot) + ": " +
                                      route_.last +
                                      (route_.redirections > cluster_nodes::kMaxRedirections
                                           ? " (too many redirections; nothing applied)"
                                           : " (gave up after " + std::to_string(route_.attempts) +
                                                 " attempts; nothing applied)"))));
        return;
      }
      if (next.what == retry_decision::kind::moved) {
        links.refresh_map(route_.seen_epoch);
      }
      where.asking = next.what == retry_decision::kind::ask;
      where.target = std::move(next.to);
      links.send(std::make_unique<routed_apply>(std::move(*this), std::move(where)));
      return;
    case retry_decision::kind::try_again:
      if (next.line.starts_with("CLUSTERDOWN")) {
        links.refresh_map(route_.seen_epoch);
      }
      links.send_after_backoff(std::make_unique<routed_apply>(std::move(*this), std::move(where)));
      return;
  }
}

void routed_apply::fail(error why) {
  if (outcome_unknown(why) || why.code != error::kind::other || links_->stopped()) {
    complete(failure(std::move(why)));
    return;
  }
  // The call never left (no connection to its node could be made, or the connection was lost
  // before its TCP connect completed): another attempt, where a refreshed map says.
  route where = next_route(why.message);
  cluster_links& links = *links_;
  links.refresh_map(route_.seen_epoch);
  links.send_after_backoff(std::make_unique<routed_apply>(std::move(*this), std::move(where)));
}

void routed_apply::wait_again(std::string why) {
  route_ = next_route(std::move(why));
  ++route_.attempts;
}

void routed_apply::give_up(error why) {
  complete(failure(std::move(why)));
}

route routed_apply::next_route(std::string why) {
  if (!route_.retrying) {
    route_.retrying = true;
    links_->retrying(route_.lane);
  }
  route where = route_;
  where.last = std::move(why);
  where.target.reset();
  where.asking = false;
  return where;
}

void routed_apply::complete(result<std::vector<op_result>> outcome) {
  if (completed_) {
    return;
  }
  completed_ = true;
  // The completion may start the client's next command, or even close the store. (No owner
  // left: the links are being destroyed, and stopped; there is no lane to account to.)
  const auto links = links_->weak_from_this().lock();
  const std::uint64_t lane = route_.lane;
  const bool was_retrying = route_.retrying;
  auto done = std::move(done_);
  done(std::move(outcome));
  if (links) {
    links->completed(lane, was_retrying);
  }
}

}  // namespace atomkv::redis
