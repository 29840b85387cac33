#include "dispatch.hpp"

#include <optional>

#include "client.hpp"
#include "client_context.hpp"
#include "commands/command_keys.hpp"
#include "cycle_clock.hpp"
#include "redis_errors.hpp"
#include "server.hpp"

namespace atomkv::proxy {
namespace {

// Redis rejects before running; inside MULTI such a rejection also dooms the transaction. A
// rejected EXEC itself ends the transaction and its watches, whether or not MULTI was open.
void reject(client& c, std::string_view line, const command_spec* spec = nullptr) {
  session& state = c.state();
  if (spec != nullptr) {
    ++c.owner().stats().commands[command_index(*spec)].rejected_calls;
  }
  if (spec != nullptr && (spec->flags & flag_runs_transaction)) {
    state.clear_multi();
    state.release_watches();
    c.reply().error(errors::exec_abort(line));
    return;
  }
  c.reply().error(line);
  if (state.in_multi) {
    state.multi_failed = true;
  }
}

// Whether a transaction queued a command with `flag` (Redis's mstate.cmd_flags).
bool queued_with(const session& state, command_flag flag) {
  for (const auto& command : state.queued) {
    if (command.spec->flags & flag) {
      return true;
    }
  }
  return false;
}

void run_data_command(client& c, const command_spec& spec, args_view args) {
  // Reused across commands: the loop is single-threaded and the backend copies what it keeps.
  static thread_local std::vector<operation> ops;
  static thread_local plan_storage owned;
  ops.clear();
  owned.clear();
  planned plan;
  plan_builder builder{ops,
                       plan,
                       owned,
                       c.state().db,
                       c.owner().config().databases,
                       c.owner().config().cluster_mode()};
  if (auto problem = spec.behaviour.plan(args, builder)) {
    c.reply().error(*problem);
    return;
  }
  std::string error;
  const std::size_t db = c.state().db;
  const auto& bucket = c.owner().bucket(db, error);  // not copied: no reference count per command
  if (!bucket) {
    c.reply().error("ERR " + error);
    return;
  }
  if (bucket->completes_inline()) {
    // The common case on memory: no callback, no ticket, the reply goes straight out.
    auto applied = bucket->apply(ops);
    auto out = c.reply();
    if (!applied) {
      out.error(backend_error_line(applied.error()));
    } else {
      write_reply(plan, applied.value(), out);
    }
    return;
  }
  auto ticket = c.defer(db);
  bucket->apply_async(
      ops, c.lane(),
      [self = c.shared_from_this(), ticket, plan](result<std::vector<op_result>> applied) {
        self->fulfil(ticket, [&](resp::reply_writer& out) {
          if (!applied) {
            out.error(backend_error_line(applied.error()));
            return;
          }
          write_reply(plan, applied.value(), out);
        });
      });
}

// Redis's processCommand over maxmemory: a command that may grow memory is refused, so is EXEC of
// a transaction that queued one, and inside MULTI so is every command but those that leave the
// transaction or the connection (EXEC, DISCARD, QUIT, RESET): queuing grows memory too.
bool refused_over_maxmemory(client& c, const command_spec& spec) {
  const session& state = c.state();
  if (spec.flags & flag_denyoom) {
    return c.owner().over_maxmemory();
  }
  if (spec.flags & flag_runs_transaction) {
    return state.in_multi && c.owner().over_maxmemory() && queued_with(state, flag_denyoom);
  }
  return state.in_multi && !(spec.flags & flag_leaves_multi) && c.owner().over_maxmemory();
}

// Redis's checkGoodReplicasStatus on a master without replicas: with min-replicas-to-write set
// (and min-replicas-max-lag not 0) no write is accepted, nor EXEC of a transaction that queued one.
bool refused_without_replicas(client& c, const command_spec& spec) {
  const options& settings = c.owner().config();
  if (settings.min_replicas_to_write == 0 || settings.min_replicas_max_lag == 0) {
    return false;
  }
  if (spec.flags & flag_write) {
    return true;
  }
  const session& state = c.state();
  return (spec.flags & flag_runs_transaction) && state.in_multi && queued_with(state, flag_write);
}

// In front of a Redis Cluster, as a node's processCommand: keys of two slots are refused
// (getNodeByQuery, CROSSSLOT) before memory and replicas are checked. A command is checked alone,
// and inside MULTI its refusal dooms the transaction; EXEC checks every queued command together,
// and its refusal discards the transaction and its watches. (A queue on one slot and watches on
// another are the backend's CROSSSLOT, at EXEC: a node does not check watched keys.)
bool refused_over_two_slots(client& c, const command_spec& spec, args_view args) {
  if (!c.owner().config().cluster_mode()) {
    return false;
  }
  session& state = c.state();
  std::optional<std::uint16_t> slot;
  if (!(spec.flags & flag_runs_transaction)) {
    if (!keys_on_two_slots(spec, args, slot)) {
      return false;
    }
    reject(c, errors::cross_slot, &spec);
    return true;
  }
  if (!state.in_multi) {
    return false;
  }
  bool refused = false;
  for (const queued_command& queued : state.queued) {
    const std::vector<std::string_view> words(queued.args.begin(), queued.args.end());
    if (keys_on_two_slots(*queued.spec, words, slot)) {
      refused = true;
      break;
    }
  }
  if (!refused) {
    return false;
  }
  ++c.owner().stats().commands[command_index(spec)].rejected_calls;
  state.clear_multi();
  state.release_watches();
  c.reply().error(errors::cross_slot);
  return true;
}

// Whether `spec` may run while the client's earlier commands still wait for the backend.
bool may_run_early(client& c, const command_spec& spec) {
  const session& state = c.state();
  if (state.settings_pending) {
    return false;  // even queuing reads the database
  }
  if (state.in_multi && !(spec.flags & flag_no_queue)) {
    return true;  // only queued
  }
  if (spec.flags & flag_connection_only) {
    return true;
  }
  // A command with an asynchronous form of its own takes no lane.
  return spec.behaviour.kind == behaviour_kind::planned && c.may_pipeline_on(state.db);
}

}  // namespace

std::string backend_error_line(const error& failure) {
  if (failure.code == error::kind::access_denied) {
    return "NOPERM " + failure.message;
  }
  // A Redis Cluster's refusal of keys of several slots has a code of its own, as a node sends it.
  if (failure.message.starts_with("CROSSSLOT ")) {
    return failure.message;
  }
  return "ERR " + failure.message;
}

bool dispatch(client& c, args_view args) {
  if (args.empty()) {
    return true;
  }
  session& state = c.state();
  bool unknown_subcommand = false;
  // "client|setname" names a subcommand for COMMAND INFO; as a command it is unknown, as in Redis.
  const command_spec* spec = args[0].find('|') == std::string_view::npos
                                 ? find_command(args, unknown_subcommand)
                                 : nullptr;
  if (spec != nullptr && c.busy() && !may_run_early(c, *spec)) {
    return false;
  }
  ++c.owner().stats().commands_processed;
  if (spec == nullptr) {
    reject(c, errors::unknown_command(args[0], args.data() + 1, args.size() - 1));
    return true;
  }
  if (unknown_subcommand) {
    reject(c, errors::unknown_subcommand(spec->name, args[1]));
    return true;
  }
  if (!arity_allows(*spec, args.size())) {
    reject(c, errors::wrong_arity(spec->name), spec);
    return true;
  }
  if (!state.authenticated && !(spec->flags & flag_no_auth)) {
    reject(c, errors::noauth, spec);
    return true;
  }
  if (refused_over_two_slots(c, *spec, args)) {
    return true;
  }
  if (refused_over_maxmemory(c, *spec)) {
    reject(c, errors::out_of_memory, spec);
    return true;
  }
  if (refused_without_replicas(c, *spec)) {
    reject(c, errors::no_replicas, spec);
    return true;
  }
  c.set_last_command(spec->name);
  if (state.in_multi && !(spec->flags & flag_no_queue)) {
    if (auto refused = admit_to_multi(c, *spec, args)) {
      reject(c, *refused);
      return true;
    }
    if (!state.multi_failed) {  // as Redis: a doomed transaction keeps nothing it would not run
      state.queue(spec, args);
    }
    c.reply().simple("QUEUED");
    return true;
  }
  // INFO commandstats: the time on the loop, and whether it answered an error at once (a reply
  // that comes later is counted by client::fulfil).
  server_stats& stats = c.owner().stats();
  command_counters& counters = stats.commands[command_index(*spec)];
  const auto errors_before = stats.total_error_replies;
  c.set_running_command(command_index(*spec));
  const std::uint64_t started = cycle_count();
  switch (spec->behaviour.kind) {
    case behaviour_kind::local: {
      client_context context(c);
      auto out = c.reply();
      spec->behaviour.run(context.get(), args, out);
      break;
    }
    case behaviour_kind::planned:
      run_data_command(c, *spec, args);
      break;
    case behaviour_kind::deferred:
      spec->behaviour.run_deferred(c, args);
      break;
  }
  ++counters.calls;
  counters.cycles += cycle_count() - started;
  if (stats.total_error_replies != errors_before) {
    ++counters.failed_calls;
  }
  return true;
}

}  // namespace atomkv::proxy
