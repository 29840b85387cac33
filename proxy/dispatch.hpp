#pragma once
// Runs one request: finds the command, checks arity and authentication exactly in Redis's order,
// queues it inside MULTI, or runs it.

#include <string>

#include "atomkv/error.hpp"
#include "command_table.hpp"

namespace atomkv::proxy {

void dispatch(client& c, args_view args);

// The error line a client sees when the backend fails ("ERR ...").
std::string backend_error_line(const error& failure);

}  // namespace atomkv::proxy
