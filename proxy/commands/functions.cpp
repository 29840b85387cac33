// FUNCTION FLUSH, FUNCTION LIST and FUNCTION HELP over an always empty function library, with
// Redis 7.0's argument checks in its order (src/functions.c).

#include "functions.hpp"
#include "../command_context.hpp"
#include "help_reply.hpp"
#include "parse.hpp"

namespace atomkv::proxy::functions_family {

// FUNCTION FLUSH [ASYNC|SYNC]
void run_function_flush(command_context&, args_view a, resp::reply_writer& out) {
  if (a.size() > 3) {
    out.error("ERR unknown subcommand or wrong number of arguments for '" + std::string(a[1]) +
              "'. Try FUNCTION HELP.");
    return;
  }
  if (a.size() == 3 && !equals_ignoring_case(a[2], "sync") &&
      !equals_ignoring_case(a[2], "async")) {
    out.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  out.simple("OK");
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]: each option at most once, in any order.
void run_function_list(command_context&, args_view a, resp::reply_writer& out) {
  bool with_code = false;
  bool library_name = false;
  for (std::size_t i = 2; i < a.size(); ++i) {
    if (!with_code && equals_ignoring_case(a[i], "withcode")) {
      with_code = true;
      continue;
    }
    if (!library_name && equals_ignoring_case(a[i], "libraryname")) {
      if (i + 1 >= a.size()) {
        out.error("ERR library name argument was not given");
        return;
      }
      library_name = true;
      ++i;
      continue;
    }
    out.error("ERR Unknown argument " + std::string(a[i]));
    return;
  }
  out.array_header(0);
}

void run_function_help(command_context&, args_view, resp::reply_writer& out) {
  write_help(
      {
          "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
          "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
          "    Return general information on all the libraries (always none here: no scripts "
          "run).",
          "FLUSH [ASYNC|SYNC]",
          "    Delete all the libraries.",
          "HELP",
          "    Prints this help.",
      },
      out);
}

}  // namespace atomkv::proxy::functions_family
