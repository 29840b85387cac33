#pragma once
// The commands atomkv-proxy understands, with Redis 7's names, arities and flags.
//
// Each command is one unit (command_spec): name, arity, flags, key positions, COMMAND INFO and
// COMMAND DOCS data, and one behaviour of an explicit kind (command_behaviour): *local* (it
// answers from the connection or server state: PING, CLIENT, ...), *planned* into backend
// operations (plan.hpp) so that it runs the same way alone and inside EXEC, or *deferred* (its
// reply comes later: EXEC, WATCH, INFO). Generic code reads units, never command names.

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/operation.hpp"
#include "atomkv/resp/reply_writer.hpp"
#include "commands/command_metadata.hpp"
#include "plan.hpp"

namespace atomkv::proxy {

class client;
struct command_context;

using args_view = std::span<const std::string_view>;

// What the operations of a plan point to, other than the arguments: kept by whoever keeps the
// operations (EXEC's batch, or the loop until the backend has taken its copy).
struct plan_storage {
  std::deque<std::string> text;
  std::deque<std::vector<bitfield_step>> steps;  // BITFIELD's

  void clear() {
    text.clear();
    steps.clear();
  }
};

// Collects the operations of one or more data commands.
struct plan_builder {
  std::vector<operation>& ops;
  planned& target;  // the command being planned
  plan_storage& owned;
  std::size_t db = 0;         // the database the command acts on (COPY ... DB compares it)
  std::size_t databases = 0;  // how many the server has (COPY ... DB checks the range)
  bool cluster_mode = false;  // database 0 alone (options::cluster_mode): MOVE, COPY ... DB refused

  void add(const operation& op) {
    ops.push_back(op);
    ++target.count;
  }
  // Keeps `text` (a normalised argument, say) alive for as long as the operations.
  std::string_view keep(std::string text) { return owned.text.emplace_back(std::move(text)); }
  // Keeps BITFIELD's parsed steps alive for as long as the operations.
  std::span<const bitfield_step> keep(std::vector<bitfield_step> steps) {
    return owned.steps.emplace_back(std::move(steps));
  }
};

// Plans a data command of the current database; on bad arguments returns the error line instead
// (Redis reports these when the command runs, so inside MULTI they become that command's entry
// in EXEC's reply).
using planner_fn = std::optional<std::string> (*)(args_view args, plan_builder& plan);
// Runs a local command, writing exactly one reply. It sees its session, the server's settings
// and its connection's acts (command_context.hpp), not the client.
using local_fn = void (*)(command_context& c, args_view args, resp::reply_writer& out);
// Runs a command whose reply may come later: it takes a ticket with client::defer and fulfils it.
using deferred_fn = void (*)(client& c, args_view args);
// Inside EXEC, a command that also acts beyond the transaction's database (FLUSHALL clears every
// database, INFO counts the keys of each) plans its share of the batch of database `db` and
// returns what completes it once the batch has committed: that runs in queue order, is given the
// batch's results, and hands the command's encoded reply to its second argument. It does not run
// when EXEC applies nothing.
using exec_reply = std::function<void(std::string encoded)>;
using exec_finish = std::function<void(const std::vector<op_result>& results, exec_reply reply)>;
using exec_planner_fn = exec_finish (*)(client& c, std::size_t db, args_view args,
                                        plan_builder& plan);

// The flags the proxy acts on. write, readonly, fast, admin and no_auth are Redis's flags of the
// same name (a unit's COMMAND INFO flags are Redis's strings; unit tests check that they agree).
enum command_flag : std::uint32_t {
  flag_write = 1 << 0,
  flag_readonly = 1 << 1,
  flag_fast = 1 << 2,
  flag_no_auth = 1 << 3,  // allowed before AUTH
  flag_admin = 1 << 4,
  flag_no_queue = 1 << 5,   // runs at once inside MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET)
  flag_container = 1 << 7,  // has subcommands: CLIENT, CONFIG, COMMAND
  // Answers from the connection alone, reading neither the backend nor the reply protocol: may
  // run while the client's earlier commands still wait for the backend. Not shown by COMMAND.
  flag_connection_only = 1 << 8,
  // Runs the transaction (EXEC): rejected, it also ends the transaction and its watches.
  flag_runs_transaction = 1 << 9,
  // Switches the database (SELECT): queued inside MULTI, the commands after it act on that one.
  flag_switches_db = 1 << 10,
  // May grow memory (Redis's denyoom): refused while the proxy is over maxmemory.
  flag_denyoom = 1 << 11,
  // Ends the transaction or the connection (EXEC, DISCARD, QUIT, RESET): not refused inside MULTI
  // over maxmemory, as Redis exempts them.
  flag_leaves_multi = 1 << 12,
  // Acts on no database (WAIT): inside MULTI it may follow a SWAPDB.
  flag_no_database = 1 << 13,
  // Inside EXEC, runs once the transaction's batch has committed (SWAPDB, when its arguments
  // swap two databases: server_family::swapdb_swaps): a command queued after it that acts on a
  // database would run before it, so MULTI refuses one.
  flag_runs_after_batch = 1 << 14,
};

// How a command runs outside MULTI.
enum class behaviour_kind {
  local,     // answers at once from the connection or server state: PING, CLIENT, SELECT, ...
  planned,   // planned into backend operations of the current database: GET, SET, EXPIRE, ...
  deferred,  // answers later, by a ticket of its own: EXEC, WATCH, INFO, FLUSHALL
};

// What a command queued by MULTI does when EXEC runs the transaction.
enum class in_exec_kind {
  planned_ops,   // its planned operations join the transaction's batch
  exec_planner,  // plan_in_exec: its share of the batch, and what completes it after the commit
  runs_locally,  // run_in_exec, in queue order, while EXEC plans the batch
  never_queued,  // flag_no_queue: it runs at once inside MULTI (MULTI, EXEC, WATCH, ...)
};

// A command's one behaviour: its kind, the function of that kind, and what it does inside EXEC.
// Written with planned_by, local and deferred below.
struct command_behaviour {
  behaviour_kind kind = behaviour_kind::local;
  in_exec_kind in_exec = in_exec_kind::never_queued;
  planner_fn plan = nullptr;               // planned; also what it does inside EXEC
  local_fn run = nullptr;                  // local
  deferred_fn run_deferred = nullptr;      // deferred
  exec_planner_fn plan_in_exec = nullptr;  // in_exec == exec_planner
  local_fn run_in_exec = nullptr;          // in_exec == runs_locally

  // False for subcommands_only().
  bool behaviour_of_its_own() const {
    return run != nullptr || plan != nullptr || run_deferred != nullptr;
  }
};

// Planned into backend operations, alone as inside EXEC.
constexpr command_behaviour planned_by(planner_fn plan) {
  return {.kind = behaviour_kind::planned, .in_exec = in_exec_kind::planned_ops, .plan = plan};
}
// Answered at once by `run`; inside EXEC by `in_exec`, which is `run` unless given.
constexpr command_behaviour local(local_fn run, local_fn in_exec = nullptr) {
  return {.kind = behaviour_kind::local,
          .in_exec = in_exec_kind::runs_locally,
          .run = run,
          .run_in_exec = in_exec != nullptr ? in_exec : run};
}
// Answered later by `run`; inside EXEC planned by `in_exec`, or never queued without it.
constexpr command_behaviour deferred(deferred_fn run, exec_planner_fn in_exec = nullptr) {
  return {.kind = behaviour_kind::deferred,
          .in_exec = in_exec != nullptr ? in_exec_kind::exec_planner : in_exec_kind::never_queued,
          .run_deferred = run,
          .plan_in_exec = in_exec};
}
// A container (CLIENT, CONFIG, COMMAND) without a subcommand fails its own arity check, and with
// an unknown one is refused before it runs: it has no behaviour of its own.
constexpr command_behaviour subcommands_only() {
  return {};
}

// One command, all its facts in one place: what dispatch acts on, and what COMMAND INFO and
// COMMAND DOCS show (the data redis-server 7.0.15 shows for the same command). Each command
// family declares its units in a file of their own next to its handlers: commands/strings.cpp
// handles what commands/strings_units.cpp declares, and so on. Adding a command is writing its
// unit and its handler; nothing else is keyed by its name.
struct command_spec {
  std::string_view name;  // lower case; subcommands as "client|setname"
  int arity;              // Redis's convention: n exactly, -n at least n
  std::uint32_t flags;
  command_behaviour behaviour;
  // Redis's first key, last key and step (COMMAND INFO); 0 for a command without keys.
  int first_key = 0, last_key = 0, key_step = 0;
  command_info_data info;  // the rest of COMMAND INFO
  command_doc doc;         // COMMAND DOCS
};

// Whether a command of `argc` arguments, its name included, fits the unit's arity; else Redis
// rejects it before it runs.
inline bool arity_allows(const command_spec& spec, std::size_t argc) {
  return spec.arity >= 0 ? argc == static_cast<std::size_t>(spec.arity)
                         : argc >= static_cast<std::size_t>(-spec.arity);
}

// Finds a command by name (any case); for container commands, the subcommand in args[1].
// Sets `unknown_subcommand` when the container exists but the subcommand does not.
const command_spec* find_command(args_view args, bool& unknown_subcommand);

// Every top-level command, and the subcommands of a container, for COMMAND.
std::span<const command_spec> all_commands();
// A command's place in all_commands(): the index of its counters (INFO commandstats).
inline std::size_t command_index(const command_spec& spec) {
  return static_cast<std::size_t>(&spec - all_commands().data());
}
std::vector<const command_spec*> subcommands_of(std::string_view container);

// The units, one table per command family (commands/*_units.cpp).
std::span<const command_spec> string_commands();
std::span<const command_spec> key_commands();
std::span<const command_spec> expiry_commands();  // EXPIRE, TTL, PERSIST, ...
std::span<const command_spec> connection_commands();
std::span<const command_spec> server_commands();
std::span<const command_spec> config_commands();
std::span<const command_spec> introspection_commands();  // COMMAND
std::span<const command_spec> transaction_commands();
std::span<const command_spec> bit_commands();  // SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD
std::span<const command_spec> function_commands();     // FUNCTION FLUSH, LIST (no scripts run)
std::span<const command_spec> replication_commands();  // WAIT
std::span<const command_spec> object_commands();       // OBJECT ENCODING, REFCOUNT, ...

}  // namespace atomkv::proxy
