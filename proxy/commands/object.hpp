#pragma once
// The handlers of OBJECT's subcommands, for their units (object_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::object_family {

std::optional<std::string> plan_object_encoding(args_view args, plan_builder& plan);
std::optional<std::string> plan_object_refcount(args_view args, plan_builder& plan);
std::optional<std::string> plan_object_idletime(args_view args, plan_builder& plan);
std::optional<std::string> plan_object_freq(args_view args, plan_builder& plan);
void run_object_help(command_context& context, args_view args, resp::reply_writer& out);

}  // namespace atomkv::proxy::object_family
