// MULTI, EXEC, DISCARD, WATCH, UNWATCH with Redis's semantics. EXEC turns every queued data
// command into backend operations and applies them in one all-or-nothing step: a commit of the
// client's optimistic transaction when it watches keys, an apply otherwise. That step acts on one
// database, so a transaction whose data commands would act on two (after a queued SELECT) is
// refused when the second is queued; FLUSHALL and INFO, which reach every database, do their part
// in the others once the step has committed.

#include <cassert>

#include "../client.hpp"
#include "../client_context.hpp"
#include "../command_table.hpp"
#include "../dispatch.hpp"
#include "../redis_errors.hpp"
#include "../server.hpp"
#include "parse.hpp"
#include "server_info.hpp"
#include "transactions.hpp"

namespace atomkv::proxy {
namespace transactions_family {

void run_multi(command_context& c, args_view, resp::reply_writer& out) {
  session& state = c.state;
  if (state.in_multi) {
    out.error(errors::multi_nested);  // an error, but the transaction goes on
    return;
  }
  state.in_multi = true;
  state.queued_db = state.db;
  state.multi_db.reset();
  out.simple("OK");
}

void run_discard(command_context& c, args_view, resp::reply_writer& out) {
  session& state = c.state;
  if (!state.in_multi) {
    out.error(errors::discard_without_multi);
    return;
  }
  state.clear_multi();
  state.release_watches();
  out.simple("OK");
}

void run_unwatch(command_context& c, args_view, resp::reply_writer& out) {
  c.state.release_watches();
  out.simple("OK");
}

// The watches were checked by EXEC itself; UNWATCH queued inside MULTI has nothing to do.
void run_unwatch_in_exec(command_context&, args_view, resp::reply_writer& out) {
  out.simple("OK");
}

constexpr std::string_view kTooManyWatching =
    "ERR max number of clients with WATCHed keys reached (max-transaction-connections)";

void run_watch(client& c, args_view a) {
  session& state = c.state();
  if (state.in_multi) {
    c.reply().error(errors::watch_in_multi);
    return;
  }
  if (state.watching && state.watch_db != state.db) {
    c.reply().error("ERR atomkv-proxy cannot WATCH keys of two databases at once");
    return;
  }
  // Each watching client may hold a backend connection of its own (Redis's WATCH lives on one
  // connection): their number is capped, and the descriptor limit counts them.
  if (!state.watching &&
      c.owner().watching_clients() >= c.owner().config().max_transaction_connections) {
    c.reply().error(kTooManyWatching);
    return;
  }
  std::string error;
  auto bucket = c.owner().bucket(state.db, error);
  if (!bucket) {
    c.reply().error("ERR " + error);
    return;
  }
  if (!state.watch || state.watch_db != state.db) {
    auto begun = bucket->begin();
    if (!begun) {
      c.reply().error(backend_error_line(begun.error()));
      return;
    }
    state.watch = std::move(begun).value();
    state.watch_db = state.db;
  }
  state.set_watching(true);
  auto ticket = c.defer();
  state.watch->watch_async(
      a.subspan(1), false,
      [self = c.shared_from_this(), ticket](result<std::vector<std::optional<std::string>>> r) {
        self->fulfil(ticket, [&](resp::reply_writer& out) {
          if (r) {
            out.simple("OK");
          } else {
            out.error(backend_error_line(r.error()));
          }
        });
      });
}

// The connection settings that queued commands may change (SELECT, HELLO, AUTH, CLIENT SETNAME).
// EXEC runs those commands while it plans, so that each sees the ones before it, then puts the
// settings back: as in Redis, they change only if the transaction runs, not when EXEC answers
// a null array.
struct connection_settings {
  std::size_t db = 0;
  resp::protocol proto = resp::protocol::resp2;
  bool authenticated = true;
  std::string name;

  static connection_settings of(const session& s) {
    return {s.db, s.proto, s.authenticated, s.name};
  }
  void apply_to(session& s) const {
    s.db = db;
    s.proto = proto;
    s.authenticated = authenticated;
    s.name = name;
  }
  bool operator==(const connection_settings&) const = default;
};

// One queued command's part of EXEC's reply: planned operations, or bytes already written.
struct exec_entry {
  bool is_planned = false;
  planned plan;
  std::string bytes;
  resp::protocol proto = resp::protocol::resp2;  // at its place in the queue (after any HELLO)
  exec_finish finish;                            // FLUSHALL, INFO: completes it after the commit
};

struct exec_batch {
  std::vector<queued_command> queued;
  std::vector<std::vector<std::string_view>> views;
  std::vector<operation> ops;
  plan_storage owned;
  std::vector<exec_entry> entries;
  connection_settings before;
  connection_settings after;
  std::vector<op_result> results;  // once committed
};

constexpr std::string_view kTwoDatabases =
    "ERR atomkv-proxy cannot queue commands of two databases in one transaction";
constexpr std::string_view kAfterSwapdb =
    "ERR atomkv-proxy cannot queue commands that act on a database after SWAPDB in one "
    "transaction";
constexpr std::string_view kWatchedElsewhere =
    "ERR atomkv-proxy cannot queue commands of one database after WATCHing keys of another";
// EXEC's array, once the batch has committed and every entry is complete.
void write_exec_array(const exec_batch& batch, resp::reply_writer& out) {
  out.set_protocol(batch.before.proto);
  out.array_header(batch.entries.size());
  for (const auto& entry : batch.entries) {
    out.set_protocol(entry.proto);
    if (entry.is_planned) {
      write_reply(entry.plan, batch.results, out);
    } else {
      out.raw(entry.bytes);
    }
  }
}

// Runs the entries' completions in queue order from `index`, then `done`. Those that finish at
// once (on memory://) are taken in a loop, so that a long transaction does not nest calls.
void finish_entries(const std::shared_ptr<exec_batch>& batch, std::size_t index,
                    const std::function<void()>& done) {
  struct progress {
    bool returned = false;
    bool answered = false;
  };
  for (; index < batch->entries.size(); ++index) {
    exec_finish finish = std::move(batch->entries[index].finish);
    if (!finish) {
      continue;
    }
    auto step = std::make_shared<progress>();
    finish(batch->results, [batch, index, done, step](std::string encoded) {
      exec_entry& entry = batch->entries[index];
      entry.is_planned = false;
      entry.bytes = std::move(encoded);
      step->answered = true;
      if (step->returned) {
        finish_entries(batch, index + 1, done);  // answered later: go on from here
      }
    });
    step->returned = true;
    if (!step->answered) {
      return;
    }
  }
  done();
}

void run_exec(client& c, args_view) {
  session& state = c.state();
  if (!state.in_multi) {
    c.reply().error(errors::exec_without_multi);
    return;
  }
  if (state.multi_failed) {
    state.clear_multi();
    state.release_watches();
    c.reply().error(errors::execabort);
    return;
  }
  // The one database of the batch: the queued data commands' (admit_to_multi keeps them to one,
  // the watched keys' one), else the watched keys', else any; FLUSHALL and INFO do the rest.
  const std::size_t db = state.multi_db.value_or(state.watching ? state.watch_db : state.db);
  std::vector<queued_command> queued = std::move(state.queued);
  state.clear_multi();
  if (state.watching && state.watch_db != db) {
    state.release_watches();
    c.reply().error(kWatchedElsewhere);
    return;
  }

  std::string error;
  auto bucket = c.owner().bucket(db, error);
  if (!bucket) {
    state.release_watches();
    c.reply().error("ERR " + error);
    return;
  }

  // Plan every queued command. The batch owns the arguments the operations point into, for as
  // long as a backend may still be applying them.
  auto batch = std::make_shared<exec_batch>();
  batch->before = connection_settings::of(state);
  batch->queued = std::move(queued);
  batch->entries.resize(batch->queued.size());
  batch->views.resize(batch->queued.size());
  for (std::size_t i = 0; i < batch->queued.size(); ++i) {
    batch->views[i].assign(batch->queued[i].args.begin(), batch->queued[i].args.end());
    args_view args = batch->views[i];
    const command_spec& spec = *batch->queued[i].spec;
    exec_entry& entry = batch->entries[i];
    entry.proto = state.proto;
    const command_behaviour& behaviour = spec.behaviour;
    switch (behaviour.in_exec) {
      case in_exec_kind::planned_ops:
      case in_exec_kind::exec_planner: {
        entry.is_planned = true;
        entry.plan.first = batch->ops.size();
        plan_builder builder{batch->ops,
                             entry.plan,
                             batch->owned,
                             db,
                             c.owner().config().databases,
                             c.owner().config().cluster_mode()};
        if (behaviour.in_exec == in_exec_kind::exec_planner) {
          entry.finish = behaviour.plan_in_exec(c, db, args, builder);
        } else if (auto problem = behaviour.plan(args, builder)) {
          entry.is_planned = false;
          batch->ops.resize(entry.plan.first);
          resp::reply_writer(entry.bytes, state.proto).error(*problem);
        }
        break;
      }
      case in_exec_kind::runs_locally: {
        client_context context(c);
        resp::reply_writer out(entry.bytes, state.proto);
        behaviour.run_in_exec(context.get(), args, out);
        break;
      }
      case in_exec_kind::never_queued:
        assert(false && "a command flagged no_queue was queued");
        break;
    }
  }
  batch->after = connection_settings::of(state);
  batch->before.apply_to(state);
  state.settings_pending = !(batch->after == batch->before);

  auto ticket = c.defer();
  auto done = [self = c.shared_from_this(), ticket,
               batch](result<std::optional<std::vector<op_result>>> committed) {
    session& s = self->state();
    s.settings_pending = false;
    if (!committed) {
      self->fulfil(ticket, [&](resp::reply_writer& out) {
        out.error(backend_error_line(committed.error()));
      });
      return;
    }
    if (!committed.value()) {
      // A watched key was touched: nothing was applied, and no queued command ran.
      self->fulfil(ticket, [](resp::reply_writer& out) { out.null_array(); });
      return;
    }
    batch->after.apply_to(s);
    batch->results = std::move(*committed.value());
    finish_entries(batch, 0, [self, ticket, batch] {
      self->fulfil(ticket, [&](resp::reply_writer& out) { write_exec_array(*batch, out); });
    });
  };
  if (state.watching && state.watch) {
    state.set_watching(false);  // EXEC releases every watch, whatever happens
    state.watch->commit_async(batch->ops, done);
    return;
  }
  bucket->apply_async(batch->ops, c.lane(), [done](result<std::vector<op_result>> applied) {
    if (!applied) {
      done(failure(std::move(applied).error()));
      return;
    }
    done(std::optional<std::vector<op_result>>(std::move(applied).value()));
  });
}

}  // namespace transactions_family

std::optional<std::string> admit_to_multi(client& c, const command_spec& spec, args_view args) {
  session& state = c.state();
  if (spec.flags & flag_switches_db) {
    std::string_view invalid;
    const options& config = c.owner().config();
    if (auto db = parse_select_index(args[1], config.databases, config.cluster_mode(), invalid)) {
      state.queued_db = *db;  // invalid, it fails inside EXEC and changes nothing
    }
    return {};
  }
  // SWAPDB runs once EXEC's batch has committed (swapdb.cpp): a command queued after it that acts
  // on a database would run before it.
  const bool acts_on_data = spec.behaviour.in_exec == in_exec_kind::planned_ops ||
                            (spec.behaviour.in_exec == in_exec_kind::exec_planner &&
                             (spec.flags & (flag_no_database | flag_runs_after_batch)) == 0);
  if ((spec.flags & flag_runs_after_batch) &&
      server_family::swapdb_swaps(args, c.owner().config())) {
    state.swapdb_queued = true;
  } else if (state.swapdb_queued && acts_on_data) {
    return std::string(transactions_family::kAfterSwapdb);
  }
  if (spec.behaviour.kind != behaviour_kind::planned) {
    return {};  // acts on no database, or on every one (FLUSHALL, INFO)
  }
  // One atomic step acts on one bucket: a transaction over two databases would not be atomic.
  if (state.watching && state.watch_db != state.queued_db) {
    return std::string(transactions_family::kWatchedElsewhere);
  }
  if (state.multi_db && *state.multi_db != state.queued_db) {
    return std::string(transactions_family::kTwoDatabases);
  }
  state.multi_db = state.queued_db;
  return {};
}

}  // namespace atomkv::proxy
