#pragma once
// The handlers of PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET and CLIENT, for their units
// (connection_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::connection_family {

void run_ping(command_context& c, args_view args, resp::reply_writer& out);
void run_echo(command_context& c, args_view args, resp::reply_writer& out);
void run_hello(command_context& c, args_view args, resp::reply_writer& out);
void run_auth(command_context& c, args_view args, resp::reply_writer& out);
void run_select(command_context& c, args_view args, resp::reply_writer& out);
void run_quit(command_context& c, args_view args, resp::reply_writer& out);
void run_reset(command_context& c, args_view args, resp::reply_writer& out);
void run_client_setname(command_context& c, args_view args, resp::reply_writer& out);
void run_client_getname(command_context& c, args_view args, resp::reply_writer& out);
void run_client_id(command_context& c, args_view args, resp::reply_writer& out);
void run_client_info(command_context& c, args_view args, resp::reply_writer& out);
void run_client_list(command_context& c, args_view args, resp::reply_writer& out);
void run_client_setinfo(command_context& c, args_view args, resp::reply_writer& out);
void run_client_help(command_context& c, args_view args, resp::reply_writer& out);

}  // namespace atomkv::proxy::connection_family
