// Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET and CLIENT.

#include "../client.hpp"
#include "../command_table.hpp"
#include "../redis_errors.hpp"
#include "../secret.hpp"
#include "../server.hpp"
#include "client_info.hpp"
#include "help_reply.hpp"
#include "parse.hpp"

namespace atomkv::proxy {

namespace {

void run_ping(client&, args_view a, resp::reply_writer& out) {
  if (a.size() > 2) {
    out.error(errors::wrong_arity("ping"));
  } else if (a.size() == 2) {
    out.bulk(a[1]);
  } else {
    out.simple("PONG");
  }
}

void run_echo(client&, args_view a, resp::reply_writer& out) {
  out.bulk(a[1]);
}

// Redis allows client names of printable ASCII without spaces.
bool valid_client_name(std::string_view name) {
  for (char ch : name) {
    if (ch < '!' || ch > '~') {
      return false;
    }
  }
  return true;
}

// Checks a username and password against requirepass: the only user is "default". The password
// is compared in constant time, so that the time taken does not tell how much of it was right.
bool credentials_ok(client& c, std::string_view user, std::string_view password) {
  const auto& required = c.owner().config().requirepass;
  if (user != "default") {
    return false;
  }
  return required.empty() || same_secret(password, required);
}

void run_auth(client& c, args_view a, resp::reply_writer& out) {
  if (a.size() > 3) {
    out.error(errors::syntax);
    return;
  }
  if (a.size() == 2 && c.owner().config().requirepass.empty()) {
    out.error(errors::auth_without_password);
    return;
  }
  std::string_view user = a.size() == 3 ? a[1] : std::string_view("default");
  std::string_view password = a.size() == 3 ? a[2] : a[1];
  if (!credentials_ok(c, user, password)) {
    out.error(errors::wrongpass);
    return;
  }
  c.state().authenticated = true;
  out.simple("OK");
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void run_hello(client& c, args_view a, resp::reply_writer& out) {
  session& state = c.state();
  std::optional<std::int64_t> version;
  if (a.size() >= 2) {
    version = parse_integer(a[1]);
    if (!version) {
      out.error(errors::hello_bad_version);
      return;
    }
    if (*version < 2 || *version > 3) {
      out.error(errors::noproto);
      return;
    }
  }
  // As in Redis, each option acts as it is read: AUTH authenticates and SETNAME names the
  // connection even when a later option is refused.
  for (std::size_t j = 2; j < a.size(); ++j) {
    std::size_t more = a.size() - 1 - j;
    if (equals_ignoring_case(a[j], "auth") && more >= 2) {
      if (!credentials_ok(c, a[j + 1], a[j + 2])) {
        out.error(errors::wrongpass);
        return;
      }
      state.authenticated = true;
      j += 2;
    } else if (equals_ignoring_case(a[j], "setname") && more >= 1) {
      if (!valid_client_name(a[j + 1])) {
        out.error(errors::bad_client_name);
        return;
      }
      state.name.assign(a[j + 1]);
      ++j;
    } else {
      out.error("ERR Syntax error in HELLO option '" + std::string(a[j]) + "'");
      return;
    }
  }
  if (!state.authenticated) {
    out.error(errors::hello_noauth);
    return;
  }
  if (version) {
    state.proto = *version == 3 ? resp::protocol::resp3 : resp::protocol::resp2;
    out.set_protocol(state.proto);
  }
  out.map_header(7);
  out.bulk("server");
  out.bulk("redis");
  out.bulk("version");
  out.bulk(errors::compatible_redis_version);
  out.bulk("proto");
  out.integer(static_cast<int>(state.proto));
  out.bulk("id");
  out.integer(static_cast<std::int64_t>(c.id()));
  out.bulk("mode");
  out.bulk("standalone");
  out.bulk("role");
  out.bulk("master");
  out.bulk("modules");
  out.array_header(0);
}

// Inside EXEC too: the database it selects takes effect if the transaction commits.
void run_select(client& c, args_view a, resp::reply_writer& out) {
  std::string_view error;
  auto db = parse_db_index(a[1], c.owner().config().databases, error);
  if (!db) {
    out.error(error);
    return;
  }
  c.state().db = *db;
  out.simple("OK");
}

void run_quit(client& c, args_view, resp::reply_writer& out) {
  out.simple("OK");
  c.close_after_replies();
}

void run_reset(client& c, args_view, resp::reply_writer& out) {
  session& state = c.state();
  state.clear_multi();
  if (state.watch && !state.watching) {
    state.watch->unwatch_async([](result<void>) {});  // releases whatever it may still hold
  }
  state.release_watches();
  state.db = 0;
  state.name.clear();
  state.proto = resp::protocol::resp2;
  state.authenticated = c.owner().config().requirepass.empty();
  out.set_protocol(state.proto);
  out.simple("RESET");
}

void run_client_setname(client& c, args_view a, resp::reply_writer& out) {
  if (!valid_client_name(a[2])) {
    out.error(errors::bad_client_name);
    return;
  }
  c.state().name.assign(a[2]);
  out.simple("OK");
}

void run_client_getname(client& c, args_view, resp::reply_writer& out) {
  if (c.state().name.empty()) {
    out.null();
  } else {
    out.bulk(c.state().name);
  }
}

void run_client_id(client& c, args_view, resp::reply_writer& out) {
  out.integer(static_cast<std::int64_t>(c.id()));
}

void run_client_info(client& c, args_view, resp::reply_writer& out) {
  out.verbatim("txt", describe_client(c));
}

void run_client_list(client& c, args_view, resp::reply_writer& out) {
  std::string all;
  for (const auto& [id, other] : c.owner().clients()) {
    all += describe_client(*other);
  }
  out.verbatim("txt", all);
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; client libraries send it on connect).
void run_client_setinfo(client&, args_view a, resp::reply_writer& out) {
  if (!equals_ignoring_case(a[2], "lib-name") && !equals_ignoring_case(a[2], "lib-ver")) {
    out.error("ERR Unrecognized option '" + std::string(a[2]) + "'");
    return;
  }
  out.simple("OK");
}

void run_client_help(client&, args_view, resp::reply_writer& out) {
  write_help(
      {
          "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
          "GETNAME",
          "    Return the name of the current connection.",
          "ID",
          "    Return the ID of the current connection.",
          "INFO",
          "    Return information about the current client connection.",
          "LIST",
          "    Return information about client connections.",
          "SETINFO <option> <value>",
          "    Set client meta attr. Options are LIB-NAME and LIB-VER.",
          "SETNAME <name>",
          "    Assign the name <name> to the current connection.",
          "HELP",
          "    Print this help.",
      },
      out);
}

// Redis marks these fast; CLIENT's subcommands are not.
constexpr std::uint32_t kConnection = flag_fast;

const command_spec kCommands[] = {
    {"ping", -1, kConnection | flag_connection_only, nullptr, run_ping},
    {"echo", 2, kConnection | flag_connection_only, nullptr, run_echo},
    {"hello", -1, kConnection | flag_no_auth, nullptr, run_hello},
    {"auth", -2, kConnection | flag_no_auth, nullptr, run_auth},
    {"select", 2, kConnection | flag_connection_only, nullptr, run_select},
    {"quit", -1, kConnection | flag_no_auth | flag_no_queue | flag_connection_only, nullptr,
     run_quit},
    {"reset", 1, kConnection | flag_no_auth | flag_no_queue, nullptr, run_reset},
    {"client", -2, flag_container},
    {"client|setname", 3, flag_connection_only, nullptr, run_client_setname},
    {"client|getname", 2, flag_connection_only, nullptr, run_client_getname},
    {"client|id", 2, flag_connection_only, nullptr, run_client_id},
    {"client|info", 2, flag_connection_only, nullptr, run_client_info},
    {"client|list", -2, flag_admin | flag_connection_only, nullptr, run_client_list},
    {"client|setinfo", 4, flag_connection_only, nullptr, run_client_setinfo},
    {"client|help", 2, flag_connection_only, nullptr, run_client_help},
};

}  // namespace

std::span<const command_spec> connection_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
