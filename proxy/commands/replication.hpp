#pragma once
// The handler of WAIT, for its unit (replication_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::replication_family {

void run_wait(client& c, args_view args);
exec_finish plan_wait_in_exec(client& c, std::size_t db, args_view args, plan_builder& plan);

}  // namespace atomkv::proxy::replication_family
