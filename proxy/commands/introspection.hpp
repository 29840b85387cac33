#pragma once
// The handlers of COMMAND and its subcommands, for their units (introspection_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::introspection_family {

void run_command(command_context& c, args_view args, resp::reply_writer& out);
void run_command_count(command_context& c, args_view args, resp::reply_writer& out);
void run_command_list(command_context& c, args_view args, resp::reply_writer& out);
void run_command_info(command_context& c, args_view args, resp::reply_writer& out);
void run_command_docs(command_context& c, args_view args, resp::reply_writer& out);
void run_command_getkeys(command_context& c, args_view args, resp::reply_writer& out);
void run_command_getkeysandflags(command_context& c, args_view args, resp::reply_writer& out);
void run_command_help(command_context& c, args_view args, resp::reply_writer& out);

}  // namespace atomkv::proxy::introspection_family
