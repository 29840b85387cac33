#include "async_engine.hpp"

#include <algorithm>

#include "commands.hpp"

namespace atomkv::redis {
namespace {

// Clean transaction connections kept per database beyond those in use.
constexpr std::size_t kIdleKept = 32;

}  // namespace

// The engine's libuv handles. Their memory lives until the last close callback, which may run
// after the engine is gone.
struct async_engine::loop_handles {
  uv_prepare_t before_poll{};
  uv_check_t after_poll{};
  uv_timer_t timeouts{};
  async_engine* engine = nullptr;
  int open = 0;

  static void on_close(uv_handle_t* handle) {
    auto* self = static_cast<loop_handles*>(handle->data);
    if (--self->open == 0) {
      delete self;
    }
  }
};

async_engine::async_engine(uv_loop_t* loop, config settings)
    : loop_(loop), settings_(std::move(settings)) {}

async_engine::~async_engine() {
  if (!stopped_) {
    stop(error::other("redis: the store was closed"));
  }
}

result<void> async_engine::start() {
  handles_ = new loop_handles;
  handles_->engine = this;
  uv_prepare_init(loop_, &handles_->before_poll);
  uv_check_init(loop_, &handles_->after_poll);
  uv_timer_init(loop_, &handles_->timeouts);
  handles_->open = 3;
  for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&handles_->before_poll),
                         reinterpret_cast<uv_handle_t*>(&handles_->after_poll),
                         reinterpret_cast<uv_handle_t*>(&handles_->timeouts)}) {
    h->data = handles_;
    uv_unref(h);  // the connections keep the loop alive while they are open, not these
  }
  // Writes queued while the loop handled I/O leave right after it; writes queued by timers or
  // close callbacks leave before the loop next waits.
  auto flush = [](auto* handle) {
    auto* handles = static_cast<loop_handles*>(handle->data);
    if (handles->engine != nullptr) {
      handles->engine->between_iterations();
    }
  };
  uv_prepare_start(&handles_->before_poll, flush);
  uv_check_start(&handles_->after_poll, flush);
  const auto shortest = std::min(settings_.connect_timeout, settings_.probe_after).count();
  const auto tick = static_cast<std::uint64_t>(std::clamp<long long>(shortest / 8, 5, 250));
  uv_timer_start(
      &handles_->timeouts,
      [](uv_timer_t* timer) {
        auto* handles = static_cast<loop_handles*>(timer->data);
        if (handles->engine != nullptr) {
          handles->engine->check_links();
        }
      },
      tick, tick);
  return outcome::success();
}

void async_engine::stop(const error& why) {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  if (auto probe = std::move(probe_)) {
    probe->cancel();
  }
  close_every_link(why);
  open_.clear();
  databases_.clear();
  last_db_ = -1;
  last_database_ = nullptr;
  closed_.clear();
  if (handles_ != nullptr) {
    handles_->engine = nullptr;
    for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&handles_->before_poll),
                           reinterpret_cast<uv_handle_t*>(&handles_->after_poll),
                           reinterpret_cast<uv_handle_t*>(&handles_->timeouts)}) {
      if (!uv_is_closing(h)) {
        uv_close(h, &loop_handles::on_close);
      } else {
        --handles_->open;  // closed by someone else: its callback is not ours
      }
    }
    if (handles_->open == 0) {
      delete handles_;
    }
    handles_ = nullptr;
  }
}

async_engine::database& async_engine::database_of(int db) {
  if (db != last_db_) {
    last_database_ = &databases_[db];
    last_db_ = db;
  }
  return *last_database_;
}

result<std::shared_ptr<async_link>> async_engine::connect(int db, database& where) {
  if (auto refused = where.backoff.refusal(uv_now(loop_))) {
    return failure(std::move(*refused));
  }
  auto link = std::make_shared<async_link>(loop_, batch_, settings_, db, *this);
  open_.emplace(link.get(), link);
  link->open();
  if (link->closed()) {
    return failure(link->closed_because().value_or(error::other("redis: cannot connect")));
  }
  return link;
}

void async_engine::send(int db, std::uint64_t lane, std::unique_ptr<async_call> call) {
  if (stopped_) {
    call->fail(error::other("redis: not attached to an event loop"));
    return;
  }
  database& where = database_of(db);
  if (where.shared.empty()) {
    where.shared.resize(settings_.shared_connections);
  }
  std::shared_ptr<async_link>& slot = where.shared[lane % where.shared.size()];
  if (!slot || slot->closed()) {
    auto made = connect(db, where);
    if (!made) {
      call->fail(std::move(made).error());
      return;
    }
    slot = std::move(made).value();
  }
  slot->send(std::move(call));
}

result<std::shared_ptr<async_link>> async_engine::lease(int db) {
  if (stopped_) {
    return failure(error::other("redis: not attached to an event loop"));
  }
  database& where = database_of(db);
  while (!where.idle.empty()) {
    auto link = std::move(where.idle.back());
    where.idle.pop_back();
    if (!link->closed()) {
      return link;
    }
  }
  return connect(db, where);
}

void async_engine::give_back(std::shared_ptr<async_link> link, bool maybe_dirty) {
  if (stopped_ || !link || link->closed()) {
    return;
  }
  if (!maybe_dirty && link->in_flight() == 0) {
    park(link);
    return;
  }
  // Behind whatever is still in flight on it; reused only once Redis says OK.
  auto* raw = link.get();
  raw->send(bind_call(unwatch_call(), [this, link = std::move(link)](result<void> released) {
    if (!released) {
      link->close(error::other("redis: UNWATCH failed: " + released.error().message));
      return;
    }
    park(link);
  }));
}

void async_engine::park(const std::shared_ptr<async_link>& link) {
  if (stopped_ || link->closed()) {
    return;
  }
  database& where = database_of(link->db());
  if (where.idle.size() >= kIdleKept) {
    link->close(error::other("redis: connection no longer needed"));
    return;
  }
  where.idle.push_back(link);
}

void async_engine::check_links() {
  const std::uint64_t now = uv_now(loop_);
  std::vector<async_link*> links;
  links.reserve(open_.size());
  for (auto& [raw, link] : open_) {
    links.push_back(raw);
  }
  bool waited_long = false;
  const auto probe_after = static_cast<std::uint64_t>(settings_.probe_after.count());
  for (auto* link : links) {
    if (!open_.contains(link)) {
      continue;  // an earlier expiry's callbacks closed it
    }
    link->expire_connect(now);
    if (auto since = link->waiting_since();
        since && !link->closed() && now - *since >= probe_after) {
      waited_long = true;
    }
  }
  closed_.clear();
  if (!waited_long) {
    probe_interval_ = 0;  // the next long wait starts probing at probe_after again
  }
  if (waited_long && !probe_ && now >= next_probe_at_) {
    probe_ = reachability_probe::start(loop_, settings_, [this](std::optional<std::string> why) {
      probe_verdict(std::move(why));
    });
  }
}

void async_engine::probe_verdict(std::optional<std::string> unreachable) {
  probe_.reset();
  // While one wait goes on, the probes space out (up to 16 x probe_after): a Redis busy for
  // minutes accepts them only when done, and must not find its accept queue full of them.
  const auto first = static_cast<std::uint64_t>(settings_.probe_after.count());
  probe_interval_ = probe_interval_ == 0 ? first : std::min(probe_interval_ * 2, first * 16);
  next_probe_at_ = uv_now(loop_) + probe_interval_;
  if (!unreachable || stopped_) {
    return;  // reachable: Redis is busy, not gone; the calls keep waiting
  }
  const error why =
      error::other("redis: " + settings_.endpoint() + ": unreachable (" + *unreachable + ")");
  close_every_link(why);
}

void async_engine::close_every_link(const error& why) {
  // Closing runs callbacks that may close or park other links: walk a copy.
  std::vector<std::shared_ptr<async_link>> links;
  links.reserve(open_.size());
  for (auto& [raw, link] : open_) {
    links.push_back(link);
  }
  for (auto& link : links) {
    link->close(why);
  }
}

void async_engine::between_iterations() {
  batch_.flush();
  closed_.clear();
}

void async_engine::link_ready(async_link& link) {
  if (!stopped_) {
    database_of(link.db()).backoff.succeeded();
  }
}

void async_engine::link_closed(async_link& link, const error& why, bool was_ready) {
  auto found = open_.find(&link);
  if (found != open_.end()) {
    closed_.push_back(std::move(found->second));
    open_.erase(found);
  }
  if (!stopped_ && !was_ready) {
    database_of(link.db()).backoff.failed(why, uv_now(loop_), settings_);
  }
}

}  // namespace atomkv::redis
