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

// Inside MULTI, before `spec` is queued: the error line that refuses it (a data command of another
// database than the transaction's), or nothing. Notes the database a queued SELECT makes current
// for the commands after it. Defined with the transaction commands.
std::optional<std::string> admit_to_multi(client& c, const command_spec& spec, args_view args);

// The error line a client sees when the backend fails ("ERR ...").
std::string backend_error_line(const error& failure);

}  // namespace atomkv::proxy
