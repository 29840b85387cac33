#pragma once
// The handlers of MULTI, EXEC, DISCARD, WATCH and UNWATCH, for their units
// (transactions_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::transactions_family {

void run_multi(command_context& c, args_view args, resp::reply_writer& out);
void run_exec(client& c, args_view args);
void run_discard(command_context& c, args_view args, resp::reply_writer& out);
void run_watch(client& c, args_view args);
void run_unwatch(command_context& c, args_view args, resp::reply_writer& out);
void run_unwatch_in_exec(command_context& c, args_view args, resp::reply_writer& out);

}  // namespace atomkv::proxy::transactions_family
