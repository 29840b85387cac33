#pragma once
// The handlers of CONFIG and its subcommands, for their units (config_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::config_family {

void run_config_get(command_context& c, args_view args, resp::reply_writer& out);
void run_config_set(command_context& c, args_view args, resp::reply_writer& out);
void run_config_help(command_context& c, args_view args, resp::reply_writer& out);

}  // namespace atomkv::proxy::config_family
