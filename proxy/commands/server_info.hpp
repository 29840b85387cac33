#pragma once
// The handlers of INFO, FLUSHALL, SWAPDB and TIME, for their units (server_info_units.cpp).

#include "../command_table.hpp"
#include "../options.hpp"

namespace atomkv::proxy::server_family {

void run_info_deferred(client& c, args_view args);
exec_finish plan_info_in_exec(client& c, std::size_t db, args_view args, plan_builder& plan);
void run_flushall_deferred(client& c, args_view args);
exec_finish plan_flushall_in_exec(client& c, std::size_t db, args_view args, plan_builder& plan);
// SWAPDB (swapdb.cpp). swapdb_swaps: whether these arguments swap two databases (valid, and
// not one database with itself).
bool swapdb_swaps(args_view args, const options& config);
void run_swapdb_deferred(client& c, args_view args);
exec_finish plan_swapdb_in_exec(client& c, std::size_t db, args_view args, plan_builder& plan);
void run_time(command_context& c, args_view args, resp::reply_writer& out);

}  // namespace atomkv::proxy::server_family
