#pragma once
// The handlers of EXPIRE, TTL, PERSIST and the other expiry commands, for their units
// (expiry_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::expiry_family {

std::optional<std::string> plan_expire(args_view args, plan_builder& plan);
std::optional<std::string> plan_pexpire(args_view args, plan_builder& plan);
std::optional<std::string> plan_expireat(args_view args, plan_builder& plan);
std::optional<std::string> plan_pexpireat(args_view args, plan_builder& plan);
std::optional<std::string> plan_ttl(args_view args, plan_builder& plan);
std::optional<std::string> plan_pttl(args_view args, plan_builder& plan);
std::optional<std::string> plan_expiretime(args_view args, plan_builder& plan);
std::optional<std::string> plan_pexpiretime(args_view args, plan_builder& plan);
std::optional<std::string> plan_persist(args_view args, plan_builder& plan);

}  // namespace atomkv::proxy::expiry_family
