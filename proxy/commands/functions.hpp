#pragma once
// The handlers of FUNCTION FLUSH, FUNCTION LIST and FUNCTION HELP, for their units
// (functions_units.cpp). The proxy runs no scripts: its function library is always empty, so
// FLUSH has nothing to delete and LIST nothing to show. Neither touches an upstream Redis's
// functions, which no client of the proxy can call.

#include "../command_table.hpp"

namespace atomkv::proxy::functions_family {

void run_function_flush(command_context& c, args_view args, resp::reply_writer& out);
void run_function_list(command_context& c, args_view args, resp::reply_writer& out);
void run_function_help(command_context& c, args_view args, resp::reply_writer& out);

}  // namespace atomkv::proxy::functions_family
