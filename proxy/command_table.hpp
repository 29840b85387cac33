#pragma once
// The commands atomkv-proxy understands, with Redis 7's names, arities and flags.
//
// A command is either *local* (it answers from the connection or server state: PING, CLIENT,
// WATCH, ...) or a *data* command, planned into backend operations (plan.hpp) so that it runs
// the same way alone and inside EXEC.

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
#include "plan.hpp"

namespace atomkv::proxy {

class client;

using args_view = std::span<const std::string_view>;

// Collects the operations of one or more data commands.
struct plan_builder {
  std::vector<operation>& ops;
  planned& target;                 // the command being planned
  std::deque<std::string>& owned;  // text the operations point to, other than the arguments

  void add(const operation& op) {
    ops.push_back(op);
    ++target.count;
  }
  // Keeps `text` (a normalised argument, say) alive for as long as the operations.
  std::string_view keep(std::string text) { return owned.emplace_back(std::move(text)); }
};

// Plans a data command of the current database; on bad arguments returns the error line instead
// (Redis reports these when the command runs, so inside MULTI they become that command's entry
// in EXEC's reply).
using planner_fn = std::optional<std::string> (*)(args_view args, plan_builder& plan);
// Runs a local command, writing exactly one reply.
using local_fn = void (*)(client& c, args_view args, resp::reply_writer& out);
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

// The flags the proxy acts on. write, readonly, fast and admin are Redis's flags of the same name
// (COMMAND INFO's flags are in commands/command_info.cpp; unit tests check that they agree).
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
};

struct command_spec {
  std::string_view name;  // lower case; subcommands as "client|setname"
  int arity;              // Redis's convention: n exactly, -n at least n
  std::uint32_t flags;
  planner_fn plan = nullptr;
  local_fn run = nullptr;
  // Runs outside MULTI when set; a command that can be queued also has `plan`, `plan_in_exec` or
  // `run`, which EXEC uses.
  deferred_fn run_deferred = nullptr;
  // Redis's first key, last key and step (COMMAND INFO); what else COMMAND INFO and COMMAND DOCS
  // show is in commands/command_metadata.hpp.
  int first_key = 0, last_key = 0, key_step = 0;
  // Inside EXEC, for the commands that `plan` cannot describe; `run` is used when neither is set.
  exec_planner_fn plan_in_exec = nullptr;
};

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

// The tables, one per command group, defined next to their commands.
std::span<const command_spec> string_commands();
std::span<const command_spec> key_commands();
std::span<const command_spec> expiry_commands();  // EXPIRE, TTL, PERSIST, ...
std::span<const command_spec> connection_commands();
std::span<const command_spec> server_commands();
std::span<const command_spec> config_commands();
std::span<const command_spec> introspection_commands();  // COMMAND
std::span<const command_spec> transaction_commands();

}  // namespace atomkv::proxy
