// Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET and CLIENT.

#include "connection.hpp"
#include "../command_context.hpp"
#include "../command_table.hpp"
#include "../redis_errors.hpp"
#include "../secret.hpp"
#include "help_reply.hpp"
#include "parse.hpp"

namespace atomkv::proxy {

namespace connection_family {

void run_ping(command_context&, args_view a, resp::reply_writer& out) {
  if (a.size() > 2) {
    out.error(errors::wrong_arity("ping"));
  } else if (a.size() == 2) {
    out.bulk(a[1]);
  } else {
    out.simple("PONG");
  }
}

void run_echo(command_context&, args_view a, resp::reply_writer& out) {
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
bool credentials_ok(command_context& c, std::string_view user, std::string_view password) {
  const auto& required = c.settings.requirepass;
  if (user != "default") {
    return false;
  }
  return required.empty() || same_secret(password, required);
}

void run_auth(command_context& c, args_view a, resp::reply_writer& out) {
  if (a.size() > 3) {
    out.error(errors::syntax);
    return;
  }
  if (a.size() == 2 && c.settings.requirepass.empty()) {
    out.error(errors::auth_without_password);
    return;
  }
  std::string_view user = a.size() == 3 ? a[1] : std::string_view("default");
  std::string_view password = a.size() == 3 ? a[2] : a[1];
  if (!credentials_ok(c, user, password)) {
    out.error(errors::wrongpass);
    return;
  }
  c.state.authenticated = true;
  out.simple("OK");
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
void run_hello(command_context& c, args_view a, resp::reply_writer& out) {
  session& state = c.state;
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
  out.integer(static_cast<std::int64_t>(c.connection.id()));
  out.bulk("mode");
  out.bulk("standalone");
  out.bulk("role");
  out.bulk("master");
  out.bulk("modules");
  out.array_header(0);
}

// Inside EXEC too: the database it selects takes effect if the transaction commits.
void run_select(command_context& c, args_view a, resp::reply_writer& out) {
  std::string_view error;
  auto db = parse_select_index(a[1], c.settings.databases, c.settings.cluster_mode(), error);
  if (!db) {
    out.error(error);
    return;
  }
  c.state.db = *db;
  out.simple("OK");
}

void run_quit(command_context& c, args_view, resp::reply_writer& out) {
  out.simple("OK");
  c.connection.close_after_replies();
}

void run_reset(command_context& c, args_view, resp::reply_writer& out) {
  session& state = c.state;
  state.clear_multi();
  if (state.watch && !state.watching) {
    state.watch->unwatch_async([](result<void>) {});  // releases whatever it may still hold
  }
  state.release_watches();
  state.db = 0;
  state.name.clear();
  state.proto = resp::protocol::resp2;
  state.authenticated = c.settings.requirepass.empty();
  out.set_protocol(state.proto);
  out.simple("RESET");
}

void run_client_setname(command_context& c, args_view a, resp::reply_writer& out) {
  if (!valid_client_name(a[2])) {
    out.error(errors::bad_client_name);
    return;
  }
  c.state.name.assign(a[2]);
  out.simple("OK");
}

void run_client_getname(command_context& c, args_view, resp::reply_writer& out) {
  if (c.state.name.empty()) {
    out.null();
  } else {
    out.bulk(c.state.name);
  }
}

void run_client_id(command_context& c, args_view, resp::reply_writer& out) {
  out.integer(static_cast<std::int64_t>(c.connection.id()));
}

void run_client_info(command_context& c, args_view, resp::reply_writer& out) {
  out.verbatim("txt", c.connection.describe_self());
}

void run_client_list(command_context& c, args_view, resp::reply_writer& out) {
  out.verbatim("txt", c.connection.describe_every_client());
}

// CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; client libraries send it on connect).
void run_client_setinfo(command_context&, args_view a, resp::reply_writer& out) {
  if (!equals_ignoring_case(a[2], "lib-name") && !equals_ignoring_case(a[2], "lib-ver")) {
    out.error("ERR Unrecognized option '" + std::string(a[2]) + "'");
    return;
  }
  out.simple("OK");
}

void run_client_help(command_context&, args_view, resp::reply_writer& out) {
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
          "    Prints this help.",
      },
      out);
}

}  // namespace connection_family

}  // namespace atomkv::proxy
