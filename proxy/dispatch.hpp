#pragma once
// Runs one request: finds the command, checks arity and authentication exactly in Redis's order,
// queues it inside MULTI, or runs it. While earlier commands of the client still wait for the
// backend, a command that must see their effects is not run: dispatch returns false and the
// client offers it again when they have landed.

#include <string>

#include "atomkv/error.hpp"
#include "command_table.hpp"

namespace atomkv::proxy {

bool dispatch(client& c, args_view args);

// The error line a client sees when the backend fails ("ERR ...").
std::string backend_error_line(const error& failure);

}  // namespace atomkv::proxy
