#include "async_transaction.hpp"

#include "commands.hpp"

namespace atomkv::redis {

struct async_transaction::pinned {
  std::shared_ptr<async_engine> engine;
  int db = 0;
  std::string prefix;
  std::shared_ptr<async_link> link;
  std::size_t in_flight = 0;
  // Whether a WATCH will be live once every call sent has been answered (EXEC and UNWATCH
  // release them all).
  bool watching = false;
  // The connection holding the watches closed: the next commit must fail.
  bool watches_lost = false;
  bool abandoned = false;  // the transaction is gone; its connection was handed back

  // Notices a closed connection.
  void check_link() {
    if (link && link->closed()) {
      watches_lost = watches_lost || watching;
      watching = false;
      link.reset();
    }
  }

  result<async_link*> connection() {
    check_link();
    if (!link) {
      BOOST_OUTCOME_TRY(leased, engine->lease(db));
      link = std::move(leased);
    }
    return link.get();
  }

  // After a call completes: the connection goes back once nothing depends on it.
  void settle() {
    check_link();
    if (!abandoned && link && in_flight == 0 && !watching) {
      engine->give_back(std::move(link), false);
      link.reset();
    }
  }

  static error lost_watches() {
    return error::other(
        "redis: the connection holding the watched keys was lost; the transaction was aborted");
  }
};

async_transaction::async_transaction(std::shared_ptr<async_engine> engine, int db,
                                     std::string prefix, std::shared_ptr<pool> connections)
    : pin_(std::make_shared<pinned>()), blocking_(std::move(connections), prefix, db) {
  pin_->engine = std::move(engine);
  pin_->db = db;
  pin_->prefix = std::move(prefix);
}

async_transaction::~async_transaction() {
  pinned& p = *pin_;
  p.abandoned = true;
  p.check_link();
  if (p.link) {
    p.engine->give_back(std::move(p.link), p.watching || p.in_flight > 0);
    p.link.reset();
  }
}

result<std::vector<std::optional<std::string>>> async_transaction::watch(
    std::span<const std::string_view> keys, bool read_values) {
  return blocking_.watch(keys, read_values);
}

result<std::optional<std::vector<op_result>>> async_transaction::commit(
    std::span<const operation> ops) {
  return blocking_.commit(ops);
}

result<void> async_transaction::unwatch() {
  return blocking_.unwatch();
}

void async_transaction::watch_async(std::span<const std::string_view> keys, bool read_values,
                                    backend::watch_done done) {
  pinned& p = *pin_;
  p.check_link();
  if (p.watches_lost) {
    done(failure(pinned::lost_watches()));
    return;
  }
  auto link = p.connection();
  if (!link) {
    done(failure(std::move(link).error()));
    return;
  }
  p.watching = p.watching || !keys.empty();
  ++p.in_flight;
  link.value()->send(bind_call(
      watch_call(p.prefix, keys, read_values),
      [pin = pin_, done = std::move(done)](result<std::vector<std::optional<std::string>>> r) {
        --pin->in_flight;
        pin->settle();
        done(std::move(r));
      }));
}

void async_transaction::commit_async(std::span<const operation> ops, backend::commit_done done) {
  pinned& p = *pin_;
  p.check_link();
  if (p.watches_lost) {
    p.watches_lost = false;  // every watch is released either way
    done(failure(pinned::lost_watches()));
    return;
  }
  auto link = p.connection();
  if (!link) {
    p.watching = false;
    done(failure(std::move(link).error()));
    return;
  }
  p.watching = false;  // EXEC releases every watch, whatever it answers
  ++p.in_flight;
  link.value()->send(bind_call(
      apply_call::for_commit(p.prefix, p.db, ops),
      [pin = pin_, done = std::move(done)](result<std::optional<std::vector<op_result>>> r) {
        --pin->in_flight;
        pin->settle();
        done(std::move(r));
      }));
}

void async_transaction::unwatch_async(backend::unwatch_done done) {
  pinned& p = *pin_;
  p.check_link();
  p.watches_lost = false;  // gone with their connection: nothing left to release
  if (!p.link || !p.watching) {
    p.settle();
    done(outcome::success());
    return;
  }
  p.watching = false;
  ++p.in_flight;
  p.link->send(bind_call(unwatch_call(), [pin = pin_, done = std::move(done)](result<void> r) {
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
