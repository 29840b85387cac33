#include "dispatch.hpp"

#include "client.hpp"
#include "redis_errors.hpp"
#include "server.hpp"

namespace atomkv::proxy {
namespace {

bool arity_ok(int arity, std::size_t argc) {
  return arity >= 0 ? argc == static_cast<std::size_t>(arity)
                    : argc >= static_cast<std::size_t>(-arity);
}

// Redis rejects before running; inside MULTI such a rejection also dooms the transaction. A
// rejected EXEC itself ends the transaction and its watches, whether or not MULTI was open.
void reject(client& c, std::string_view line, const command_spec* spec = nullptr) {
  session& state = c.state();
  if (spec != nullptr && spec->name == "exec") {
    state.clear_multi();
    if (state.watching && state.watch) {
      (void)state.watch->unwatch();
    }
    state.watching = false;
    c.reply().error(errors::exec_abort(line));
    return;
  }
  c.reply().error(line);
  if (state.in_multi) {
    state.multi_failed = true;
  }
}

void run_data_command(client& c, const command_spec& spec, args_view args) {
  // Reused across commands: the loop is single-threaded and the backend copies what it keeps.
  static thread_local std::vector<operation> ops;
  ops.clear();
  planned plan;
  plan_builder builder{ops, plan};
  if (auto problem = spec.plan(args, builder)) {
    c.reply().error(*problem);
    return;
  }
  std::string error;
  auto bucket = c.owner().bucket(c.state().db, error);
  if (!bucket) {
    c.reply().error("ERR " + error);
    return;
  }
  auto ticket = c.defer();
  bucket->apply_async(
      ops, [self = c.shared_from_this(), ticket, plan](result<std::vector<op_result>> applied) {
        self->fulfil(ticket, [&](resp::reply_writer& out) {
          if (!applied) {
            out.error(backend_error_line(applied.error()));
            return;
          }
          write_reply(plan, applied.value(), out);
        });
      });
}

}  // namespace

std::string backend_error_line(const error& failure) {
  if (failure.code == error::kind::access_denied) {
    return "NOPERM " + failure.message;
  }
  return "ERR " + failure.message;
}

void dispatch(client& c, args_view args) {
  if (args.empty()) {
    return;
  }
  ++c.owner().stats().commands_processed;
  session& state = c.state();
  bool unknown_subcommand = false;
  const command_spec* spec = find_command(args, unknown_subcommand);
  if (spec == nullptr) {
    reject(c, errors::unknown_command(args[0], args.data() + 1, args.size() - 1));
    return;
  }
  if (unknown_subcommand) {
    reject(c, errors::unknown_subcommand(spec->name, args[1]));
    return;
  }
  if (!arity_ok(spec->arity, args.size())) {
    reject(c, errors::wrong_arity(spec->name), spec);
    return;
  }
  if (!state.authenticated && !(spec->flags & flag_no_auth)) {
    reject(c, errors::noauth, spec);
    return;
  }
  c.set_last_command(spec->name);
  if (state.in_multi && !(spec->flags & flag_no_queue)) {
    state.queued.push_back({spec, std::vector<std::string>(args.begin(), args.end())});
    c.reply().simple("QUEUED");
    return;
  }
  if (spec->run_deferred) {
    spec->run_deferred(c, args);
  } else if (spec->run) {
    auto out = c.reply();
    spec->run(c, args, out);
  } else {
    run_data_command(c, *spec, args);
  }
}

}  // namespace atomkv::proxy
