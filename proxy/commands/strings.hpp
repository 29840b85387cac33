#pragma once
// The handlers of GET, SET, INCR and the other string commands, for their units
// (strings_units.cpp).

#include "../command_table.hpp"

namespace atomkv::proxy::strings_family {

std::optional<std::string> plan_get(args_view args, plan_builder& plan);
std::optional<std::string> plan_set(args_view args, plan_builder& plan);
std::optional<std::string> plan_setnx(args_view args, plan_builder& plan);
std::optional<std::string> plan_getset(args_view args, plan_builder& plan);
std::optional<std::string> plan_getdel(args_view args, plan_builder& plan);
std::optional<std::string> plan_setex(args_view args, plan_builder& plan);
std::optional<std::string> plan_psetex(args_view args, plan_builder& plan);
std::optional<std::string> plan_getex(args_view args, plan_builder& plan);
std::optional<std::string> plan_mget(args_view args, plan_builder& plan);
std::optional<std::string> plan_mset(args_view args, plan_builder& plan);
std::optional<std::string> plan_msetnx(args_view args, plan_builder& plan);
std::optional<std::string> plan_strlen(args_view args, plan_builder& plan);
std::optional<std::string> plan_incr(args_view args, plan_builder& plan);
std::optional<std::string> plan_decr(args_view args, plan_builder& plan);
std::optional<std::string> plan_incrby(args_view args, plan_builder& plan);
std::optional<std::string> plan_decrby(args_view args, plan_builder& plan);
std::optional<std::string> plan_append(args_view args, plan_builder& plan);
std::optional<std::string> plan_getrange(args_view args, plan_builder& plan);  // and SUBSTR
std::optional<std::string> plan_setrange(args_view args, plan_builder& plan);
std::optional<std::string> plan_incrbyfloat(args_view args, plan_builder& plan);
std::optional<std::string> plan_lcs(args_view args, plan_builder& plan);
// The flags of SET's key for one call: read too with GET (Redis's setGetKeys).
std::span<const std::string_view> set_key_flags(args_view command);

}  // namespace atomkv::proxy::strings_family
