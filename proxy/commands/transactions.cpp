// MULTI, EXEC, DISCARD, WATCH, UNWATCH with Redis's semantics. EXEC turns every queued data
// command into backend operations and applies them in one all-or-nothing step: a commit of the
// client's optimistic transaction when it watches keys, an apply otherwise.

#include "../client.hpp"
#include "../command_table.hpp"
#include "../dispatch.hpp"
#include "../redis_errors.hpp"
#include "../server.hpp"

namespace atomkv::proxy {
namespace {

void run_multi(client& c, args_view, resp::reply_writer& out) {
  session& state = c.state();
  if (state.in_multi) {
    out.error(errors::multi_nested);  // an error, but the transaction goes on
    return;
  }
  state.in_multi = true;
  out.simple("OK");
}

void run_discard(client& c, args_view, resp::reply_writer& out) {
  session& state = c.state();
  if (!state.in_multi) {
    out.error(errors::discard_without_multi);
    return;
  }
  state.clear_multi();
  state.release_watches();
  out.simple("OK");
}

void run_unwatch(client& c, args_view, resp::reply_writer& out) {
  c.state().release_watches();
  out.simple("OK");
}

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
  state.watching = true;
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

// One queued command's part of EXEC's reply: planned operations, or bytes already written.
struct exec_entry {
  bool is_planned = false;
  planned plan;
  std::string bytes;
};

struct exec_batch {
  std::vector<queued_command> queued;
  std::vector<std::vector<std::string_view>> views;
  std::vector<operation> ops;
  std::vector<exec_entry> entries;
};

void write_exec_reply(const std::vector<exec_entry>& entries,
                      const result<std::optional<std::vector<op_result>>>& committed,
                      resp::reply_writer& out) {
  if (!committed) {
    out.error(backend_error_line(committed.error()));
    return;
  }
  if (!committed.value()) {
    out.null_array();  // a watched key was touched: nothing was applied
    return;
  }
  const auto& results = *committed.value();
  out.array_header(entries.size());
  for (const auto& entry : entries) {
    if (entry.is_planned) {
      write_reply(entry.plan, results, out);
    } else {
      out.raw(entry.bytes);
    }
  }
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
  std::vector<queued_command> queued = std::move(state.queued);
  state.clear_multi();

  std::string error;
  auto bucket = c.owner().bucket(state.db, error);
  if (!bucket) {
    state.release_watches();
    c.reply().error("ERR " + error);
    return;
  }

  // Plan every queued command. The batch owns the arguments the operations point into, for as
  // long as a backend may still be applying them.
  auto batch = std::make_shared<exec_batch>();
  batch->queued = std::move(queued);
  batch->entries.resize(batch->queued.size());
  batch->views.resize(batch->queued.size());
  for (std::size_t i = 0; i < batch->queued.size(); ++i) {
    batch->views[i].assign(batch->queued[i].args.begin(), batch->queued[i].args.end());
    args_view args = batch->views[i];
    const command_spec& spec = *batch->queued[i].spec;
    exec_entry& entry = batch->entries[i];
    if (spec.plan) {
      entry.is_planned = true;
      entry.plan.first = batch->ops.size();
      plan_builder builder{batch->ops, entry.plan};
      if (auto problem = spec.plan(args, builder)) {
        entry.is_planned = false;
        batch->ops.resize(entry.plan.first);
        resp::reply_writer(entry.bytes, state.proto).error(*problem);
      }
    } else if (spec.name == "unwatch") {
      // The watches were checked by EXEC itself; UNWATCH queued inside MULTI has nothing to do.
      resp::reply_writer(entry.bytes, state.proto).simple("OK");
    } else {
      resp::reply_writer out(entry.bytes, state.proto);
      spec.run(c, args, out);
    }
  }

  auto ticket = c.defer();
  auto done = [self = c.shared_from_this(), ticket,
               batch](result<std::optional<std::vector<op_result>>> committed) {
    self->fulfil(
        ticket, [&](resp::reply_writer& out) { write_exec_reply(batch->entries, committed, out); });
  };
  if (state.watching && state.watch) {
    state.watching = false;  // EXEC releases every watch, whatever happens
    if (state.watch_db == state.db) {
      state.watch->commit_async(batch->ops, done);
      return;
    }
    // Watched in another database: check the watches, then apply here (not one atomic step).
    state.watch->commit_async({}, [bucket, batch, done, lane = c.lane()](auto checked) {
      if (!checked || !checked.value()) {
        done(std::move(checked));
        return;
      }
      bucket->apply_async(batch->ops, lane, [done](result<std::vector<op_result>> applied) {
        if (!applied) {
          done(failure(std::move(applied).error()));
          return;
        }
        done(std::optional<std::vector<op_result>>(std::move(applied).value()));
      });
    });
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

constexpr std::uint32_t kTxn = flag_fast | flag_no_queue;

const command_spec kCommands[] = {
    {"multi", 1, kTxn | flag_connection_only, nullptr, run_multi, nullptr, 0, 0, 0, "transactions",
     "Starts a transaction.", "1.2.0"},
    {"exec", 1, flag_no_queue, nullptr, nullptr, run_exec, 0, 0, 0, "transactions",
     "Executes all commands in a transaction.", "1.2.0"},
    {"discard", 1, kTxn, nullptr, run_discard, nullptr, 0, 0, 0, "transactions",
     "Discards a transaction.", "2.0.0"},
    {"watch", -2, kTxn, nullptr, nullptr, run_watch, 1, -1, 1, "transactions",
     "Monitors changes to keys to determine the execution of a transaction.", "2.2.0"},
    {"unwatch", 1, flag_fast, nullptr, run_unwatch, nullptr, 0, 0, 0, "transactions",
     "Forgets about watched keys of a transaction.", "2.2.0"},
};

}  // namespace

std::span<const command_spec> transaction_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
