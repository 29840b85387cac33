#pragma once
// Redis 7's error lines, word for word: clients and tests compare them byte for byte.

#include <string>
#include <string_view>

namespace atomkv::proxy::errors {

inline constexpr std::string_view syntax = "ERR syntax error";
// Over maxmemory (Redis's shared.oomerr).
inline constexpr std::string_view out_of_memory =
    "OOM command not allowed when used memory > 'maxmemory'.";
// A write with min-replicas-to-write set (Redis's shared.noreplicaserr): the proxy has no replicas.
inline constexpr std::string_view no_replicas = "NOREPLICAS Not enough good replicas to write.";
inline constexpr std::string_view cross_slot =
    "CROSSSLOT Keys in request don't hash to the same slot";
inline constexpr std::string_view not_integer = "ERR value is not an integer or out of range";
inline constexpr std::string_view overflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view decrement_overflow = "ERR decrement would overflow";
inline constexpr std::string_view invalid_cursor = "ERR invalid cursor";
inline constexpr std::string_view lcs_len_and_idx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view int_out_of_range =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr std::string_view db_out_of_range = "ERR DB index is out of range";
inline constexpr std::string_view same_object = "ERR source and destination objects are the same";
// A Redis Cluster node's answers to the commands that name a database other than 0.
inline constexpr std::string_view select_in_cluster = "ERR SELECT is not allowed in cluster mode";
inline constexpr std::string_view move_in_cluster = "ERR MOVE is not allowed in cluster mode";
inline constexpr std::string_view swapdb_in_cluster = "ERR SWAPDB is not allowed in cluster mode";
inline constexpr std::string_view swapdb_invalid_first = "ERR invalid first DB index";
inline constexpr std::string_view swapdb_invalid_second = "ERR invalid second DB index";
inline constexpr std::string_view copy_db_in_cluster =
    "ERR Copying to another database is not allowed in cluster mode";
inline constexpr std::string_view noauth = "NOAUTH Authentication required.";
inline constexpr std::string_view wrongpass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view auth_without_password =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view hello_noauth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
    "protocol version at the same time";
inline constexpr std::string_view noproto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view hello_bad_version =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view bad_client_name =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view multi_nested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view watch_in_multi = "ERR WATCH inside MULTI is not allowed";
inline constexpr std::string_view exec_without_multi = "ERR EXEC without MULTI";
inline constexpr std::string_view discard_without_multi = "ERR DISCARD without MULTI";
inline constexpr std::string_view execabort =
    "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view max_clients = "ERR max number of clients reached";
// The Redis version whose replies atomkv-proxy reproduces byte for byte.
inline constexpr std::string_view compatible_redis_version = "7.0.15";
inline constexpr std::string_view getex_invalid_expire_time =
    "ERR invalid expire time in 'getex' command";
inline constexpr std::string_view expire_nx_conflict =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view expire_gt_lt_conflict =
    "ERR GT and LT options at the same time are not compatible";

// "ERR wrong number of arguments for 'get' command"; `name` is the command's full name.
std::string wrong_arity(std::string_view name);
// "ERR invalid expire time in 'set' command"; `name` is the command's full name.
std::string invalid_expire_time(std::string_view name);
// "ERR Unsupported option foo": EXPIRE's unknown option, up to a NUL byte as Redis's %s prints it.
std::string unsupported_option(std::string_view option);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
std::string unknown_command(std::string_view name, const std::string_view* args, std::size_t n);
// "EXECABORT Transaction discarded because of: <why>": how Redis rejects EXEC itself.
std::string exec_abort(std::string_view why);
// "ERR unknown subcommand 'foo'. Try CLIENT HELP."
std::string unknown_subcommand(std::string_view command, std::string_view subcommand);

}  // namespace atomkv::proxy::errors
