#pragma once
// The handlers of DEL, EXISTS, KEYS, SCAN and the other key commands, for their units
// (keys_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::keys_family {

std::optional<std::string> plan_del(args_view args, plan_builder& plan);
std::optional<std::string> plan_exists(args_view args, plan_builder& plan);
std::optional<std::string> plan_type(args_view args, plan_builder& plan);
std::optional<std::string> plan_keys(args_view args, plan_builder& plan);
std::optional<std::string> plan_scan(args_view args, plan_builder& plan);
std::optional<std::string> plan_dbsize(args_view args, plan_builder& plan);
std::optional<std::string> plan_flushdb(args_view args, plan_builder& plan);
std::optional<std::string> plan_rename(args_view args, plan_builder& plan);
std::optional<std::string> plan_renamenx(args_view args, plan_builder& plan);
std::optional<std::string> plan_copy(args_view args, plan_builder& plan);
std::optional<std::string> plan_randomkey(args_view args, plan_builder& plan);
std::optional<std::string> plan_touch(args_view args, plan_builder& plan);
std::optional<std::string> plan_move(args_view args, plan_builder& plan);

}  // namespace atomkv::proxy::keys_family
