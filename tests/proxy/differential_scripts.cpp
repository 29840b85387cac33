// The differential scripts. Each step's reply from the proxy must equal redis-server 7's, byte
// for byte (or as a set, where Redis leaves the order unspecified).
//
// Left out because they cannot match a different server: INFO (server internals), CLIENT ID and
// CLIENT LIST (connection ids and addresses), HELLO's "id" field (masked), COMMAND COUNT and
// COMMAND LIST (the proxy implements a subset; the full COMMAND listings are compared entry by
// entry), CLIENT SETINFO (Redis 7.0 lacks it; it is checked against the proxy alone in
// commands_tests.cpp).

#include <algorithm>
#include <chrono>
#include <string>

#include "proxy/differential.hpp"

namespace atomkv::proxy_tests {

step A(std::vector<std::string> args) {
  return step{.client = 'A', .args = std::move(args)};
}
step B(std::vector<std::string> args) {
  return step{.client = 'B', .args = std::move(args)};
}
step A_keys(std::vector<std::string> args) {
  return step{.client = 'A', .args = std::move(args), .mode = compare_mode::as_set};
}
step A_nested(std::vector<std::string> args) {
  return step{.client = 'A', .args = std::move(args), .mode = compare_mode::nested_sets};
}
step A_scan(std::vector<std::string> options) {
  return step{.client = 'A', .args = std::move(options), .mode = compare_mode::scan_all};
}
step A_hello(std::vector<std::string> args) {
  return step{.client = 'A', .args = std::move(args), .mode = compare_mode::hello};
}
step A_hello_version(std::vector<std::string> args) {
  return step{.client = 'A', .args = std::move(args), .mode = compare_mode::hello_version};
}
step A_container(std::vector<std::string> args) {
  return step{.client = 'A', .args = std::move(args), .mode = compare_mode::command_container};
}
step A_listing(std::vector<std::string> args) {
  return step{.client = 'A', .args = std::move(args), .mode = compare_mode::command_listing};
}
step A_names(std::vector<std::string> args) {
  return step{.client = 'A', .args = std::move(args), .mode = compare_mode::command_names};
}
step A_raw(std::string bytes, int replies) {
  return step{.client = 'A', .raw = std::move(bytes), .replies = replies};
}
step A_drain(std::string bytes) {
  return step{.client = 'A', .raw = std::move(bytes), .mode = compare_mode::drain};
}
step A_quit() {
  return step{.client = 'A', .args = {"QUIT"}, .mode = compare_mode::command_drain};
}
step A_reconnect() {
  return step{.client = 'A', .reconnect = true};
}
step A_close(std::vector<std::string> args, std::int64_t tolerance) {
  return step{
      .client = 'A', .args = std::move(args), .mode = compare_mode::close, .tolerance = tolerance};
}
step wait_ms(int ms) {
  return step{.client = 'A', .sleep_ms = ms};
}

namespace {

constexpr const char* kMax = "9223372036854775807";
constexpr const char* kMin = "-9223372036854775808";

std::vector<script> connection_scripts() {
  return {
      {"ping and echo",
       {A({"PING"}), A({"PING", "hello"}), A({"PING", ""}), A({"PING", "a", "b"}), A({"ping"}),
        A({"ECHO", "hi"}), A({"ECHO", ""}), A({"ECHO", std::string("a\0b\r\n", 5)}), A({"ECHO"}),
        A({"ECHO", "a", "b"})}},
      // TIME's value cannot match another server's clock; its arity error and its place inside
      // MULTI can (Redis's suite reads it to set sub-second deadlines with PEXPIREAT).
      {"time arity", {A({"TIME", "x"}), A({"MULTI"}), A({"TIME", "x"}), A({"EXEC"})}},
      {"select",
       {A({"SELECT", "0"}), A({"SELECT", "abc"}), A({"SELECT", "-1"}), A({"SELECT", "16"}),
        A({"SELECT", "100000000000000000000"}), A({"SELECT", "2147483648"}),
        A({"SELECT", "-2147483649"}), A({"SELECT", "9223372036854775808"}),
        A({"SELECT", "2147483647"}), A({"SELECT", "1.5"}), A({"SELECT"}), A({"SELECT", "0", "1"}),
        A({"SELECT", "0"}), A({"PING"})}},
      // Databases other than 0 are kept apart, as in Redis.
      {"select other database",
       {A({"SELECT", "1"}), A({"SET", "k", "one"}), A({"DBSIZE"}), A({"SELECT", "0"}),
        A({"GET", "k"}), A({"DBSIZE"}), A({"SELECT", "1"}), A({"GET", "k"}), A({"FLUSHDB"}),
        A({"GET", "k"})}},
      {"client setname and getname",
       {A({"CLIENT", "GETNAME"}), A({"CLIENT", "SETNAME", "foo"}), A({"CLIENT", "GETNAME"}),
        A({"CLIENT", "SETNAME", "a b"}), A({"CLIENT", "SETNAME", "a\nb"}), A({"CLIENT", "GETNAME"}),
        A({"CLIENT", "SETNAME", ""}), A({"CLIENT", "GETNAME"}), A({"CLIENT", "SETNAME", "a", "b"}),
        A({"CLIENT", "SETNAME"}), A({"CLIENT", "GETNAME", "x"}), A({"client", "setname", "Lower"}),
        A({"client", "getname"}), A({"CLIENT"}), A({"CLIENT", "FOO"}),
        A({"CLIENT", "foo", "bar"})}},
      // Clients read the version to pick features: it should be the one Redis reports.
      {"hello reports the server version", {A_hello_version({"HELLO"})}, false},
      // HELLO replies, id and version masked; the other scripts' HELLO prefix checks the same.
      {"hello",
       {A_hello({"HELLO"}), A_hello({"HELLO", "3"}), A_hello({"HELLO", "2"}), A({"HELLO", "4"}),
        A({"HELLO", "1"}), A({"HELLO", "0"}), A({"HELLO", "abc"}), A({"HELLO", "-1"}),
        A({"HELLO", "3", "FOO"}), A({"HELLO", "3", "AUTH", "default"}),
        A({"HELLO", "3", "SETNAME"}), A({"HELLO", "3", "SETNAME", "a b"}),
        A_hello({"HELLO", "3", "SETNAME", "myname"}), A({"CLIENT", "GETNAME"}),
        // The default user has no password here, so any password authenticates it.
        A_hello({"HELLO", "2", "AUTH", "default", "anything"}),
        A({"HELLO", "3", "AUTH", "nosuchuser", "x"}), A({"PING"}),
        // Each option acts as it is read: the name is set before the next option is refused.
        A({"HELLO", "3", "SETNAME", "named", "FOO"}), A({"CLIENT", "GETNAME"}),
        A({"HELLO", "2", "SETNAME", "again", "SETNAME", "a b"}), A({"CLIENT", "GETNAME"})},
       false},
      {"auth without a configured password",
       {A({"AUTH", "x"}), A({"AUTH", "default", "x"}), A({"AUTH", "nosuchuser", "x"}), A({"AUTH"}),
        A({"AUTH", "a", "b", "c"}), A({"PING"})}},
      {"reset",
       {A({"SET", "k", "v"}), A({"CLIENT", "SETNAME", "before"}), A({"MULTI"}),
        A({"SET", "k", "x"}), A({"RESET"}), A({"EXEC"}), A({"GET", "k"}), A({"CLIENT", "GETNAME"}),
        A({"WATCH", "k"}), A({"RESET"}), B({"SET", "k", "changed"}), A({"MULTI"}), A({"GET", "k"}),
        A({"EXEC"}), A({"RESET", "extra"}),
        // RESET returns the connection to RESP2.
        A_hello({"HELLO", "3"}), A({"RESET"}), A({"GET", "nothere"})}},
      {"quit", {A({"PING"}), A_quit()}},
      {"quit with an argument", {A({"QUIT", "now"})}, false},
      {"dbsize flushdb flushall",
       {A({"DBSIZE"}), A({"MSET", "{t}a", "1", "{t}b", "2"}), A({"DBSIZE"}), A({"FLUSHDB"}),
        A({"DBSIZE"}), A({"MSET", "{t}a", "1"}), A({"FLUSHALL"}), A({"DBSIZE"}),
        A({"FLUSHDB", "ASYNC"}), A({"FLUSHDB", "SYNC"}), A({"FLUSHALL", "ASYNC"}),
        A({"FLUSHALL", "sync"}), A({"FLUSHDB", "foo"}), A({"FLUSHALL", "foo"}),
        A({"FLUSHDB", "SYNC", "ASYNC"}), A({"DBSIZE", "x"})}},
      {"config get",
       {A({"CONFIG", "GET", "maxclients"}), A({"CONFIG", "GET", "timeout"}),
        A({"CONFIG", "GET", "nosuchparameter"}), A({"CONFIG", "GET"}), A({"CONFIG"}),
        A({"CONFIG", "FOO"})}},
      // The settings that change at run time; the others refused as Redis words it. Every
      // change is undone at the end (the servers serve the scripts after this one).
      {"config set",
       {A({"CONFIG", "SET", "timeout", "7"}), A({"CONFIG", "GET", "timeout"}),
        A({"CONFIG", "SET", "TIMEOUT", "0"}), A({"CONFIG", "GET", "timeout"}),
        A({"CONFIG", "SET", "timeout", "abc"}), A({"CONFIG", "SET", "timeout", "-1"}),
        A({"CONFIG", "SET", "timeout", "2147483648"}), A({"CONFIG", "SET", "maxclients", "0"}),
        A({"CONFIG", "SET", "maxclients", "x"}), A({"CONFIG", "SET", "foo", "bar"}),
        A({"CONFIG", "SET", "databases", "3"}), A({"CONFIG", "SET", "Databases", "3"}),
        A({"CONFIG", "SET", "databases", "3", "foo", "bar"}),
        A({"CONFIG", "SET", "foo", "bar", "databases", "3"}),
        A({"CONFIG", "SET", "timeout", "5", "timeout", "6"}),
        A({"CONFIG", "SET", "timeout", "5", "maxclients"}), A({"CONFIG", "SET", "timeout"}),
        A({"CONFIG", "SET"}), A({"CONFIG", "GET", "timeout"}),
        // Several pairs: all of them, or none when one is wrong.
        A({"CONFIG", "SET", "timeout", "3", "maxclients", "50"}), A({"CONFIG", "GET", "timeout"}),
        A({"CONFIG", "GET", "maxclients"}), A({"CONFIG", "SET", "timeout", "1", "maxclients", "0"}),
        A({"CONFIG", "GET", "timeout"}), A({"CONFIG", "GET", "maxclients"}),
        A({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb 60"}),
        A({"CONFIG", "GET", "client-output-buffer-limit"}),
        A({"CONFIG", "SET", "client-output-buffer-limit", "Normal 3MB 0 0 pubsub 1 2 3"}),
        A({"CONFIG", "GET", "client-output-buffer-limit"}),
        A({"CONFIG", "SET", "client-output-buffer-limit", "normal 1mb"}),
        A({"CONFIG", "SET", "client-output-buffer-limit", "foo 1 1 1"}),
        A({"CONFIG", "SET", "client-output-buffer-limit", "master 1 1 1"}),
        A({"CONFIG", "SET", "client-output-buffer-limit", "normal x 0 0"}),
        A({"CONFIG", "SET", "client-output-buffer-limit", "normal 1 0 -1"}),
        A({"CONFIG", "GET", "client-output-buffer-limit"}),
        A({"CONFIG", "SET", "client-output-buffer-limit",
           "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"}),
        A({"CONFIG", "SET", "requirepass", ""}), A({"PING"}),
        A({"CONFIG", "SET", "timeout", "0", "maxclients", "10000"}),
        A({"CONFIG", "GET", "timeout"}), A({"CONFIG", "GET", "maxclients"})},
       false},
  };
}

// The commands with subcommands, whose lists of subcommands differ from Redis's.
const std::vector<std::string> kContainers = {"client", "config", "command", "function", "object"};

// COMMAND INFO and COMMAND DOCS of each command, byte for byte; of the containers, all but the
// list of subcommands (compare_mode::command_container).
std::vector<script> introspection_scripts() {
  std::vector<step> each;
  for (const auto& name : compared_command_names()) {
    bool container = std::find(kContainers.begin(), kContainers.end(), name) != kContainers.end();
    for (const char* what : {"INFO", "DOCS"}) {
      std::vector<std::string> args = {"COMMAND", what, name};
      each.push_back(container ? A_container(args) : A(args));
    }
  }
  return {
      {"command info and docs of each command", each},
      {"command info and docs",
       {// Several names: one entry each, in order; unknown names are nil (INFO) or left out (DOCS).
        A({"COMMAND", "INFO", "GET", "nosuch", "del"}), A({"COMMAND", "INFO", "nosuchcommand"}),
        A({"COMMAND", "DOCS", "get", "nosuch", "SET", "incrby"}),
        A({"COMMAND", "DOCS", "nosuchcommand"}), A({"COMMAND", "INFO", "get", "get"}),
        // Subcommands by their full name, in any case; a subcommand of a plain command is none.
        A({"COMMAND", "INFO", "CLIENT|SETNAME", "Config|Get", "command|docs"}),
        A({"COMMAND", "DOCS", "CLIENT|GETNAME", "config|HELP"}),
        A({"COMMAND", "INFO", "get|x", "client|nosuch", "client|", "|get", "client|setname|x"}),
        A({"COMMAND", "DOCS", "get|x", "client|nosuch", "client setname"}),
        A_container({"COMMAND", "INFO", "get", "CLIENT", "set"}),
        A_container({"COMMAND", "INFO", "nosuch", "command"}),
        A_container({"COMMAND", "DOCS", "config", "get"}),
        // The full listings: every command the proxy lists as Redis lists it.
        A_listing({"COMMAND"}), A_listing({"COMMAND", "INFO"}), A_listing({"COMMAND", "DOCS"}),
        A({"COMMAND", "FOO"}), A({"COMMAND", "COUNT", "x"}), A({"COMMAND", "INFO", ""})}},
      {"command getkeys",
       {// Keys by each command's key specifications, as getKeysUsingKeySpecs finds them.
        A({"COMMAND", "GETKEYS", "GET", "a"}), A({"command", "getkeys", "set", "a", "b", "GET"}),
        A({"COMMAND", "GETKEYS", "SET", "a", "b", "EX", "10"}),
        A({"COMMAND", "GETKEYS", "MGET", "a", "b", "c"}),
        A({"COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"}),
        A({"COMMAND", "GETKEYS", "MSET", "a", "b", "c"}),
        A({"COMMAND", "GETKEYS", "MSETNX", "a", "1", "b", "2"}),
        A({"COMMAND", "GETKEYS", "DEL", "a", "b"}), A({"COMMAND", "GETKEYS", "EXISTS", "a", "a"}),
        A({"COMMAND", "GETKEYS", "TOUCH", "a", "b"}), A({"COMMAND", "GETKEYS", "UNLINK", "a"}),
        A({"COMMAND", "GETKEYS", "TYPE", "a"}), A({"COMMAND", "GETKEYS", "RENAME", "a", "b"}),
        A({"COMMAND", "GETKEYS", "RENAMENX", "a", "b"}),
        A({"COMMAND", "GETKEYS", "COPY", "a", "b", "DB", "1", "REPLACE"}),
        A({"COMMAND", "GETKEYS", "MOVE", "a", "1"}),
        A({"COMMAND", "GETKEYS", "GETEX", "a", "EX", "1"}),
        A({"COMMAND", "GETKEYS", "GETDEL", "a"}), A({"COMMAND", "GETKEYS", "GETSET", "a", "b"}),
        A({"COMMAND", "GETKEYS", "SETNX", "a", "b"}),
        A({"COMMAND", "GETKEYS", "SETEX", "a", "10", "b"}),
        A({"COMMAND", "GETKEYS", "PSETEX", "a", "10", "b"}),
        A({"COMMAND", "GETKEYS", "STRLEN", "a"}), A({"COMMAND", "GETKEYS", "INCR", "a"}),
        A({"COMMAND", "GETKEYS", "INCRBY", "a", "1"}), A({"COMMAND", "GETKEYS", "DECR", "a"}),
        A({"COMMAND", "GETKEYS", "DECRBY", "a", "1"}),
        A({"COMMAND", "GETKEYS", "INCRBYFLOAT", "a", "1.5"}),
        A({"COMMAND", "GETKEYS", "APPEND", "a", "b"}),
        A({"COMMAND", "GETKEYS", "GETRANGE", "a", "0", "1"}),
        A({"COMMAND", "GETKEYS", "SUBSTR", "a", "0", "1"}),
        A({"COMMAND", "GETKEYS", "SETRANGE", "a", "0", "b"}),
        A({"COMMAND", "GETKEYS", "LCS", "a", "b", "LEN"}),
        A({"COMMAND", "GETKEYS", "SETBIT", "a", "1", "1"}),
        A({"COMMAND", "GETKEYS", "GETBIT", "a", "1"}), A({"COMMAND", "GETKEYS", "BITCOUNT", "a"}),
        A({"COMMAND", "GETKEYS", "BITPOS", "a", "1"}),
        A({"COMMAND", "GETKEYS", "BITOP", "AND", "d", "a", "b"}),
        A({"COMMAND", "GETKEYS", "BITOP", "NOT", "d", "a"}),
        A({"COMMAND", "GETKEYS", "BITFIELD", "a", "GET", "u8", "0"}),
        A({"COMMAND", "GETKEYS", "BITFIELD_RO", "a", "GET", "u8", "0"}),
        A({"COMMAND", "GETKEYS", "EXPIRE", "a", "10"}),
        A({"COMMAND", "GETKEYS", "PEXPIREAT", "a", "1", "NX"}),
        A({"COMMAND", "GETKEYS", "TTL", "a"}), A({"COMMAND", "GETKEYS", "PEXPIRETIME", "a"}),
        A({"COMMAND", "GETKEYS", "PERSIST", "a"}), A({"COMMAND", "GETKEYS", "WATCH", "a", "b"}),
        // getKeysSubcommandImpl's errors, in its order.
        A({"COMMAND", "GETKEYS"}), A({"COMMAND", "GETKEYS", "get"}),
        A({"COMMAND", "GETKEYS", "nosuch", "x"}), A({"COMMAND", "GETKEYS", "client", "nosuch"}),
        A({"COMMAND", "GETKEYS", "client", "setname", "x"}),
        A({"COMMAND", "GETKEYS", "config", "get", "x"}), A({"COMMAND", "GETKEYS", "ping", "x"}),
        A({"COMMAND", "GETKEYS", "multi", "x"}), A({"COMMAND", "GETKEYS", "KEYS", "*"}),
        A({"COMMAND", "GETKEYS", "get", "a", "b"}), A({"COMMAND", "GETKEYS", "mset", "a"}),
        A({"COMMAND", "GETKEYS", "rename", "a"}), A({"COMMAND", "GETKEYS", "", "a"}),
        A({"COMMAND", "GETKEYS", "command", "getkeys", "get", "a"})}},
      {"wait",
       {// No replica acknowledges: 0 at once when that is enough, else 0 at the timeout.
        A({"SET", "k", "v"}), A({"WAIT", "0", "0"}), A({"WAIT", "-5", "0"}),
        A({"WAIT", "0", "100"}), A({"WAIT", "1", "50"}), A({"WAIT", "3", "1"}), A({"GET", "k"}),
        // waitCommand's errors, in its order.
        A({"WAIT", "x", "0"}), A({"WAIT", "x", "-1"}), A({"WAIT", "1", "x"}),
        A({"WAIT", "1", "-1"}), A({"WAIT", "0", "-1"}), A({"WAIT", "1", "1.5"}),
        A({"WAIT", "99999999999999999999", "0"}), A({"WAIT", "1", "99999999999999999999"}),
        A({"WAIT", "1"}), A({"WAIT", "1", "2", "3"}),
        // Inside EXEC it never blocks, whatever it waits for.
        A({"MULTI"}), A({"WAIT", "1", "0"}), A({"WAIT", "2", "100000"}), A({"WAIT", "x", "0"}),
        A({"WAIT", "1", "-1"}), A({"EXEC"}), A({"MULTI"}), A({"WAIT", "1"}), A({"EXEC"}),
        A({"COMMAND", "INFO", "wait"}), A({"COMMAND", "DOCS", "wait"})}},
      {"object",
       {// Every subcommand on a missing key: nil, before anything else is looked at.
        A({"OBJECT", "ENCODING", "nokey"}), A({"OBJECT", "REFCOUNT", "nokey"}),
        A({"OBJECT", "IDLETIME", "nokey"}), A({"OBJECT", "FREQ", "nokey"}),
        // Values as SET describes them: an integer string2l accepts within 20 characters is
        // "int", shared (refcount INT_MAX) from 0 to 9999; other values up to 44 bytes "embstr".
        A({"SET", "k", "123"}), A({"OBJECT", "ENCODING", "k"}), A({"OBJECT", "REFCOUNT", "k"}),
        A({"SET", "k", "0"}), A({"OBJECT", "REFCOUNT", "k"}), A({"SET", "k", "9999"}),
        A({"OBJECT", "REFCOUNT", "k"}), A({"SET", "k", "10000"}), A({"OBJECT", "ENCODING", "k"}),
        A({"OBJECT", "REFCOUNT", "k"}), A({"SET", "k", "-1"}), A({"OBJECT", "ENCODING", "k"}),
        A({"OBJECT", "REFCOUNT", "k"}), A({"SET", "k", "9223372036854775807"}),
        A({"OBJECT", "ENCODING", "k"}), A({"SET", "k", "-9223372036854775808"}),
        A({"OBJECT", "ENCODING", "k"}), A({"SET", "k", "9223372036854775808"}),
        A({"OBJECT", "ENCODING", "k"}), A({"SET", "k", "007"}), A({"OBJECT", "ENCODING", "k"}),
        A({"SET", "k", "-0"}), A({"OBJECT", "ENCODING", "k"}), A({"SET", "k", "+1"}),
        A({"OBJECT", "ENCODING", "k"}), A({"SET", "k", " 1"}), A({"OBJECT", "ENCODING", "k"}),
        A({"SET", "k", "1.5"}), A({"OBJECT", "ENCODING", "k"}), A({"SET", "k", ""}),
        A({"OBJECT", "ENCODING", "k"}), A({"OBJECT", "REFCOUNT", "k"}),
        A({"SET", "k", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}),
        A({"OBJECT", "ENCODING", "k"}),
        A({"SET", "k", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}),
        A({"OBJECT", "ENCODING", "k"}), A({"OBJECT", "REFCOUNT", "k"}),
        // INCR's results are integers, shared below 10000.
        A({"SET", "n", "9998"}), A({"INCR", "n"}), A({"OBJECT", "REFCOUNT", "n"}), A({"INCR", "n"}),
        A({"OBJECT", "ENCODING", "n"}), A({"OBJECT", "REFCOUNT", "n"}),
        A({"INCRBY", "n", "-20000"}), A({"OBJECT", "ENCODING", "n"}),
        A({"OBJECT", "REFCOUNT", "n"}), A({"DEL", "n"}), A({"INCR", "n"}),
        A({"OBJECT", "REFCOUNT", "n"}),
        // The other ways to set a value encode it as SET does; RENAME keeps it.
        A({"MSET", "{m}1", "42", "{m}2", "forty-two"}), A({"OBJECT", "ENCODING", "{m}1"}),
        A({"OBJECT", "ENCODING", "{m}2"}), A({"SETNX", "{m}3", "7"}),
        A({"OBJECT", "REFCOUNT", "{m}3"}), A({"GETSET", "{m}3", "70000"}),
        A({"OBJECT", "ENCODING", "{m}3"}), A({"SETEX", "{m}4", "100", "12"}),
        A({"OBJECT", "ENCODING", "{m}4"}), A({"APPEND", "{m}5", "99"}),
        A({"OBJECT", "ENCODING", "{m}5"}), A({"RENAME", "{m}5", "{m}6"}),
        A({"OBJECT", "ENCODING", "{m}6"}), A({"OBJECT", "REFCOUNT", "{m}6"}),
        // IDLETIME of a key just written (Redis's clock ticks each second); FREQ needs an LFU
        // maxmemory policy, and the policy is noeviction.
        A_close({"OBJECT", "IDLETIME", "k"}, 1), A({"OBJECT", "FREQ", "k"}),
        // Arity and unknown subcommands, as a container checks them.
        A({"OBJECT"}), A({"OBJECT", "nosuch"}), A({"OBJECT", "nosuch", "k"}),
        A({"OBJECT", "ENCODING"}), A({"OBJECT", "encoding", "k", "x"}), A({"OBJECT", "HELP", "x"}),
        A({"OBJECT", "HELP"}), A({"object", "help"}),
        // Inside a transaction: queued, answered by EXEC.
        A({"MULTI"}), A({"SET", "t", "5"}), A({"OBJECT", "ENCODING", "t"}),
        A({"OBJECT", "REFCOUNT", "t"}), A({"OBJECT", "FREQ", "t"}), A({"OBJECT", "HELP"}),
        A({"OBJECT", "ENCODING", "{t}nokey"}), A({"EXEC"}),
        A({"COMMAND", "GETKEYS", "OBJECT", "ENCODING", "k"}),
        A({"COMMAND", "GETKEYS", "OBJECT", "HELP"})}},
      {"maxmemory",
       {// Over maxmemory (1 byte: always over) a command that may grow memory is refused, and in
        // MULTI every command that would be queued; reads, deletes and expiry are not.
        A({"CONFIG", "GET", "maxmemory"}), A({"SET", "k", "v"}),
        A({"CONFIG", "SET", "maxmemory", "1"}), A({"CONFIG", "GET", "maxmemory"}),
        A({"SET", "k", "w"}), A({"SETNX", "n", "1"}), A({"INCR", "n"}), A({"APPEND", "k", "x"}),
        A({"SETRANGE", "k", "0", "x"}), A({"SETBIT", "k", "1", "1"}), A({"GET", "k"}),
        A({"EXPIRE", "k", "100"}), A({"PERSIST", "k"}), A({"PING"}), A({"MULTI"}), A({"GET", "k"}),
        A({"PING"}), A({"EXEC"}), A({"MULTI"}), A({"DISCARD"}), A({"DEL", "k"}), A({"EXISTS", "k"}),
        // Inside MULTI only EXEC, DISCARD, QUIT and RESET are spared: a nested MULTI or a WATCH
        // gets OOM too, and dooms the transaction.
        A({"MULTI"}), A({"MULTI"}), A({"WATCH", "k"}), A({"EXEC"}), A({"MULTI"}), A({"RESET"}),
        // A transaction queued before: EXEC is refused only if it queued such a command.
        B({"CONFIG", "SET", "maxmemory", "0"}), A({"SET", "k", "v"}), A({"MULTI"}), A({"GET", "k"}),
        A({"PING"}), B({"CONFIG", "SET", "maxmemory", "1"}), A({"EXEC"}),
        B({"CONFIG", "SET", "maxmemory", "0"}), A({"MULTI"}), A({"SET", "k", "1"}), A({"GET", "k"}),
        B({"CONFIG", "SET", "maxmemory", "1"}), A({"EXEC"}), A({"GET", "k"}),
        // Sizes as CONFIG SET takes them, and its errors (no write while such a limit is set).
        B({"CONFIG", "SET", "maxmemory", "0"}), A({"CONFIG", "SET", "maxmemory", "100mb"}),
        A({"CONFIG", "GET", "maxmemory"}), A({"CONFIG", "SET", "maxmemory", "1gb"}),
        A({"CONFIG", "GET", "maxmemory"}), A({"CONFIG", "SET", "maxmemory", "0"}),
        A({"CONFIG", "SET", "maxmemory", "bla"}), A({"CONFIG", "SET", "maxmemory", "-1"}),
        A({"MULTI"}), A({"SET", "foo", "bar"}), A({"CONFIG", "SET", "maxmemory", "bla"}),
        A({"EXEC"}), A({"CONFIG", "GET", "maxmemory"}), A({"SET", "k", "v"})}},
      {"min-replicas-to-write",
       {// No replica: with min-replicas-to-write set every write is refused, and EXEC of a
        // transaction that queued one; reads are not. min-replicas-max-lag 0 turns the check off.
        A({"CONFIG", "GET", "min-replicas-to-write"}),
        A({"CONFIG", "GET", "min-replicas-max-lag"}),
        A({"SET", "k", "1"}),
        A({"MULTI"}),
        A({"INCR", "k"}),
        B({"CONFIG", "SET", "min-replicas-to-write", "2"}),
        A({"EXEC"}),
        A({"GET", "k"}),
        A({"SET", "k", "2"}),
        A({"INCR", "k"}),
        A({"DEL", "k"}),
        A({"EXPIRE", "k", "10"}),
        A({"GET", "k"}),
        A({"MULTI"}),
        A({"GET", "k"}),
        A({"EXEC"}),
        A({"MULTI"}),
        A({"SET", "k", "3"}),
        A({"EXEC"}),
        A({"CONFIG", "SET", "min-replicas-max-lag", "0"}),
        A({"SET", "k", "4"}),
        A({"CONFIG", "SET", "min-replicas-max-lag", "10"}),
        A({"SET", "k", "5"}),
        A({"CONFIG", "SET", "min-replicas-to-write", "x"}),
        A({"CONFIG", "SET", "min-replicas-to-write", "-1"}),
        A({"CONFIG", "SET", "min-replicas-max-lag", "2147483648"}),
        A({"CONFIG", "SET", "min-replicas-to-write", "0"}),
        A({"SET", "k", "6"}),
        A({"GET", "k"})}},
      {"command getkeysandflags",
       {// Each key with its specification's flags; SET's and BITFIELD's flags follow the call.
        A({"COMMAND", "GETKEYSANDFLAGS", "GET", "a"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b", "EX", "10", "get"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b", "GETX"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "SET", "a", "GET"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "a", "GET", "u8", "0"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "a", "OVERFLOW", "SAT", "GET", "u8", "0"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "a", "GET", "u8", "0", "SET", "u8", "0", "1"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "a", "INCRBY", "u8", "0", "1"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "a", "GET", "u8"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "a"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "BITFIELD_RO", "a", "GET", "u8", "0"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "MSET", "a", "1", "b", "2"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "MGET", "a", "b"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "DEL", "a", "b"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "RENAME", "a", "b"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "COPY", "a", "b"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "BITOP", "AND", "d", "a", "b"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "LCS", "a", "b"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "GETEX", "a", "PERSIST"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "INCR", "a"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "EXPIRE", "a", "1"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "WATCH", "a"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "TOUCH", "a"}),
        // The same errors as GETKEYS.
        A({"COMMAND", "GETKEYSANDFLAGS"}), A({"COMMAND", "GETKEYSANDFLAGS", "get"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "nosuch", "x"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "ping", "x"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "get", "a", "b"}),
        A({"COMMAND", "GETKEYSANDFLAGS", "mset", "a"}), A({"COMMAND", "HELP"})}},
      {"command list filterby",
       {A_names({"COMMAND", "LIST"}), A_names({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "string"}),
        A_names({"COMMAND", "LIST", "filterby", "aclcat", "KEYSPACE"}),
        A_names({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "connection"}),
        A_names({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "slow"}),
        A_names({"COMMAND", "LIST", "FILTERBY", "PATTERN", "*"}),
        A_names({"COMMAND", "LIST", "FILTERBY", "PATTERN", "C*"}),
        A_names({"COMMAND", "LIST", "FILTERBY", "PATTERN", "client|*"}),
        A_names({"COMMAND", "LIST", "FILTERBY", "PATTERN", "*et*"}),
        A_names({"COMMAND", "LIST", "FILTERBY", "PATTERN", "[gs]et"}),
        // Nothing matches: an empty array from both.
        A({"COMMAND", "LIST", "FILTERBY", "MODULE", "json"}),
        A({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}),
        A({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "@string"}),
        A({"COMMAND", "LIST", "FILTERBY", "PATTERN", "nosuch*"}),
        // Malformed.
        A({"COMMAND", "LIST", "x"}), A({"COMMAND", "LIST", "FILTERBY"}),
        A({"COMMAND", "LIST", "FILTERBY", "ACLCAT"}),
        A({"COMMAND", "LIST", "FILTERBY", "foo", "x"}),
        A({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "string", "extra"})}},
  };
}

std::vector<script> string_scripts() {
  return {
      {"get and set",
       {A({"GET", "k"}), A({"SET", "k", "v"}), A({"GET", "k"}), A({"SET", "k", ""}),
        A({"GET", "k"}), A({"SET", "k", std::string("bin\0\r\nary", 9)}), A({"GET", "k"}),
        A({"SET", std::string("key\0x", 5), "z"}), A({"GET", std::string("key\0x", 5)}),
        A({"SET", "k", "v", "extra"}), A({"SET", "k"}), A({"SET"}), A({"GET"}),
        A({"GET", "a", "b"}), A({"set", "lower", "case"}), A({"gEt", "lower"})}},
      {"set nx xx get",
       {A({"SET", "k", "v", "NX"}),
        A({"SET", "k", "w", "NX"}),
        A({"GET", "k"}),
        A({"SET", "k", "w", "XX"}),
        A({"GET", "k"}),
        A({"SET", "m", "w", "XX"}),
        A({"GET", "m"}),
        A({"SET", "k", "v", "NX", "XX"}),
        A({"SET", "k", "v", "XX", "NX"}),
        A({"SET", "k", "v2", "GET"}),
        A({"SET", "missing", "v", "GET"}),
        A({"GET", "missing"}),
        A({"SET", "k", "v3", "NX", "GET"}),
        A({"GET", "k"}),
        A({"SET", "k4", "v", "NX", "GET"}),
        A({"GET", "k4"}),
        A({"SET", "k", "v5", "XX", "GET"}),
        A({"GET", "k"}),
        A({"SET", "nothere", "v", "XX", "GET"}),
        A({"GET", "nothere"}),
        A({"SET", "k", "v", "GET", "GET"}),
        A({"SET", "k", "v", "NX", "NX"}),
        A({"SET", "k", "v6", "nx"}),
        A({"SET", "k", "v7", "xx", "get"}),
        A({"SET", "k", "v", "FOO"}),
        A({"SET", "k", "v", "GET", "FOO"}),
        A({"SET", "k", "v", "XX", "XX", "GET"}),
        A({"GET", "k"})}},
      {"setnx getset getdel",
       {A({"SETNX", "k", "v"}), A({"SETNX", "k", "w"}), A({"GET", "k"}), A({"GETSET", "k", "x"}),
        A({"GETSET", "new", "y"}), A({"GET", "new"}), A({"GETDEL", "k"}), A({"GETDEL", "k"}),
        A({"EXISTS", "k"}), A({"SETNX", "k"}), A({"SETNX", "k", "v", "x"}), A({"GETSET", "k"}),
        A({"GETDEL"}), A({"GETDEL", "a", "b"})}},
      {"mget mset msetnx",
       {A({"MSET", "{t}a", "1", "{t}b", "2", "{t}c", "3"}),
        A({"MGET", "{t}a", "{t}b", "{t}c", "{t}d"}), A({"MGET", "{t}d"}),
        A({"MGET", "{t}a", "{t}a"}), A({"MSET", "{t}a"}), A({"MSET", "{t}a", "1", "{t}b"}),
        A({"MSET"}), A({"MSETNX", "{t}a", "9", "{t}z", "9"}), A({"GET", "{t}z"}),
        A({"GET", "{t}a"}), A({"MSETNX", "{t}y", "1", "{t}z", "2"}), A({"MGET", "{t}y", "{t}z"}),
        A({"MSETNX", "{t}y"}), A({"MSETNX", "{t}n1", "1", "{t}n1", "2"}), A({"GET", "{t}n1"}),
        A({"MSET", "{t}k", "v", "{t}k", "w"}), A({"GET", "{t}k"}), A({"MGET"})}},
      {"del unlink exists",
       {A({"MSET", "{t}a", "1", "{t}b", "2", "{t}c", "3"}), A({"EXISTS", "{t}a"}),
        A({"EXISTS", "{t}a", "{t}a", "{t}a"}), A({"EXISTS", "{t}a", "{t}b", "{t}x", "{t}a"}),
        A({"EXISTS", "{t}x"}), A({"DEL", "{t}a", "{t}a"}), A({"DEL", "{t}a"}),
        A({"DEL", "{t}b", "{t}x", "{t}c"}), A({"UNLINK", "{t}a", "{t}b"}),
        A({"EXISTS", "{t}a", "{t}b", "{t}c"}), A({"SET", "{t}a", "1"}),
        A({"UNLINK", "{t}a", "{t}a"}), A({"DEL"}), A({"EXISTS"}), A({"UNLINK"})}},
      {"keys with patterns",
       {A({"MSET", "hello", "1",        "hallo",       "2",     "hxllo", "3",
           "hllo", "4",     "heeeello", "5",           "h*llo", "6",     "foo",
           "7",    "a[b",   "8",        "back\\slash", "9",     "HELLO", "10"}),
        A_keys({"KEYS", "*"}),
        A_keys({"KEYS", "h?llo"}),
        A_keys({"KEYS", "h*llo"}),
        A_keys({"KEYS", "h[ae]llo"}),
        A_keys({"KEYS", "h[^e]llo"}),
        A_keys({"KEYS", "h[a-b]llo"}),
        A_keys({"KEYS", "h[b-a]llo"}),
        A_keys({"KEYS", "h\\*llo"}),
        A_keys({"KEYS", "nothing*"}),
        A_keys({"KEYS", "a[b"}),
        A_keys({"KEYS", "a\\[b"}),
        A_keys({"KEYS", "["}),
        A_keys({"KEYS", "*["}),
        A_keys({"KEYS", "back\\\\slash"}),
        A_keys({"KEYS", "hello"}),
        A_keys({"KEYS", "*LL*"}),
        A_keys({"KEYS", ""}),
        A_keys({"KEYS", "\\"}),
        A({"KEYS"}),
        A({"KEYS", "a", "b"})}},
      {"scan cursors",
       {A({"SCAN", "0"}),
        // The cursor is read as Redis's strtoul does: "-1" is 2^64-1, "" and "+1" are valid, a
        // leading space or anything after the digits is not, a NUL byte ends it. Any number is a
        // cursor: past the end, the scan is over.
        A({"SCAN", "-1"}), A({"SCAN", " 1"}), A({"SCAN", "9223372036854775808"}),
        A({"SCAN", "18446744073709551615"}), A({"SCAN", "18446744073709551616"}),
        A({"SCAN", "-18446744073709551615"}), A({"SCAN", ""}), A({"SCAN", "+1"}), A({"SCAN", "-0"}),
        A({"SCAN", "1 "}), A({"SCAN", "-"}), A({"SCAN", "\t1"}), A({"SCAN", "0x1"}),
        A({"SCAN", std::string("1\0x", 3)}), A({"SCAN", "-1", "MATCH", "nothing*"}),
        A({"SCAN", "abc"}), A({"SCAN", "1.5"}), A({"MULTI"}), A({"SCAN", "-1"}), A({"SCAN", "abc"}),
        A({"DBSIZE"}), A({"EXEC"})}},
      {"scan",
       {A({"MSET", "k0",  "v", "k1",  "v", "k2",    "v", "k3",  "v", "k4",  "v", "k5",
           "v",    "k6",  "v", "k7",  "v", "k8",    "v", "k9",  "v", "k10", "v", "k11",
           "v",    "k12", "v", "k13", "v", "other", "v", "x:1", "v", "x:2", "v"}),
        A_scan({}),
        A_scan({"MATCH", "k1*"}),
        A_scan({"COUNT", "3"}),
        A_scan({"MATCH", "k?", "COUNT", "7"}),
        A_scan({"MATCH", "nothing*"}),
        A_scan({"count", "1", "match", "x:*"}),
        A_scan({"TYPE", "STRING"}),
        A_scan({"TYPE", "list"}),
        A_scan({"TYPE", ""}),
        A({"SCAN", "-1", "MATCH", "nothing*"}),
        A({"SCAN", "abc"}),
        A({"SCAN", "1.5"}),
        A({"SCAN", "0", "COUNT", "0"}),
        A({"SCAN", "0", "COUNT", "-1"}),
        A({"SCAN", "0", "COUNT", "abc"}),
        A({"SCAN", "0", "COUNT"}),
        A({"SCAN", "0", "MATCH"}),
        A({"SCAN", "0", "FOO", "bar"}),
        A({"SCAN"})}},
      // Redis's matcher compares nothing for the empty key: only "" matches it, and "*" because
      // KEYS and SCAN then skip matching. Range bounds are signed chars.
      {"the empty key and glob patterns",
       {A({"MSET", "", "e", "a", "1", "0", "2", "\xff", "3", "\x80", "4"}), A_keys({"KEYS", "**"}),
        A_keys({"KEYS", "*"}), A_keys({"KEYS", ""}), A_keys({"KEYS", "*?"}),
        A_keys({"KEYS", "[a-\xff]"}), A_keys({"KEYS", "[\x80-\x90]*"}), A_scan({"MATCH", "**"}),
        A_scan({"MATCH", ""}), A_scan({"MATCH", "*"}), A_scan({"MATCH", "[^a]"})}},
      {"type and strlen",
       {A({"SET", "k", "hello"}), A({"TYPE", "k"}), A({"TYPE", "nope"}), A({"STRLEN", "k"}),
        A({"STRLEN", "nope"}), A({"SET", "e", ""}), A({"STRLEN", "e"}), A({"TYPE", "e"}),
        A({"TYPE"}), A({"TYPE", "a", "b"}), A({"STRLEN"}), A({"STRLEN", "a", "b"})}},
  };
}

std::vector<script> counter_scripts() {
  std::vector<script> out = {
      {"incr decr basics",
       {A({"INCR", "c"}), A({"INCR", "c"}), A({"DECR", "c"}), A({"INCRBY", "c", "10"}),
        A({"INCRBY", "c", "-20"}), A({"DECRBY", "c", "5"}), A({"DECRBY", "c", "-5"}),
        A({"GET", "c"}), A({"INCRBY", "n", "5"}), A({"DECR", "m"}), A({"DECRBY", "q", "3"}),
        A({"INCRBY", "c", "0"}), A({"INCR"}), A({"INCRBY", "c"}), A({"INCRBY", "c", "1", "2"}),
        A({"DECR", "a", "b"}), A({"DECRBY", "c"}), A({"incr", "c"})}},
      {"counters at the int64 edges",
       {A({"SET", "c", "9223372036854775806"}),
        A({"INCR", "c"}),
        A({"INCR", "c"}),
        A({"GET", "c"}),
        A({"SET", "c", "-9223372036854775807"}),
        A({"DECR", "c"}),
        A({"DECR", "c"}),
        A({"GET", "c"}),
        A({"SET", "c", "0"}),
        A({"INCRBY", "c", kMax}),
        A({"INCRBY", "c", "1"}),
        A({"DECRBY", "c", kMin}),
        A({"SET", "c", "0"}),
        A({"DECRBY", "c", kMin}),
        A({"GET", "c"}),
        A({"DECRBY", "fresh", kMin}),
        A({"EXISTS", "fresh"}),
        A({"INCRBY", "c", kMin}),
        A({"DECRBY", "c", "1"}),
        A({"DECR", "c"}),
        A({"GET", "c"}),
        A({"SET", "c", "0"}),
        A({"DECRBY", "c", kMax}),
        A({"DECRBY", "c", "1"}),
        A({"DECRBY", "c", "1"}),
        A({"SET", "c", "-1"}),
        A({"INCRBY", "c", kMin}),
        A({"SET", "c", "1"}),
        A({"INCRBY", "c", kMax}),
        A({"SET", "c", kMax}),
        A({"DECRBY", "c", "-1"}),
        A({"INCRBY", "c", "-1"}),
        A({"INCRBY", "c", "9223372036854775808"}),
        A({"INCRBY", "c", "-9223372036854775809"}),
        A({"DECRBY", "c", "9223372036854775808"}),
        A({"SET", "c", kMin}),
        A({"GET", "c"}),
        A({"INCRBY", "c", "-1"}),
        A({"DECR", "c"}),
        A({"INCR", "c"})}},
  };
  // Values that are not canonical decimal int64s: every counter command refuses them.
  script invalid{"counters on invalid values", {}};
  for (const char* v : {"abc",
                        "",
                        " 1",
                        "1 ",
                        "+1",
                        "01",
                        "-0",
                        "00",
                        "1.5",
                        "0x10",
                        "1e3",
                        "9223372036854775808",
                        "-9223372036854775809",
                        "000000000000000000001",
                        "12345678901234567890",
                        "\t1",
                        "1\n",
                        "-",
                        "--1",
                        "٣"}) {
    invalid.steps.push_back(A({"SET", "s", v}));
    invalid.steps.push_back(A({"INCR", "s"}));
    invalid.steps.push_back(A({"DECRBY", "s", "2"}));
    invalid.steps.push_back(A({"GET", "s"}));
    invalid.steps.push_back(A({"INCRBY", "k", v}));
    invalid.steps.push_back(A({"DECRBY", "k", v}));
  }
  invalid.steps.push_back(A({"SET", "s", "0"}));
  invalid.steps.push_back(A({"INCR", "s"}));
  invalid.steps.push_back(A({"SET", "s", "-5"}));
  invalid.steps.push_back(A({"INCRBY", "s", "-5"}));
  invalid.steps.push_back(A({"GET", "k"}));
  out.push_back(invalid);
  return out;
}

// Clock-dependent replies are compared within these (the two servers run a step apart, on a
// loaded machine).
constexpr std::int64_t kSecondsSlack = 2;
constexpr std::int64_t kMsSlack = 2000;

step A_ttl(std::string key) {
  return A_close({"TTL", std::move(key)}, kSecondsSlack);
}
step A_pttl(std::string key) {
  return A_close({"PTTL", std::move(key)}, kMsSlack);
}

// Absolute deadlines well in the future, fixed when the scripts are built: EXPIRETIME and
// PEXPIRETIME of keys given them answer exactly.
std::int64_t unix_seconds_from_now(std::int64_t seconds) {
  using namespace std::chrono;
  return duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch()).count() +
         seconds;
}

std::vector<script> expiry_scripts() {
  const std::string at_s = std::to_string(unix_seconds_from_now(1000));
  const std::string at_s_later = std::to_string(unix_seconds_from_now(2000));
  const std::string at_ms = std::to_string(unix_seconds_from_now(1500) * 1000 + 123);
  const std::string at_ms_next = std::to_string(unix_seconds_from_now(1500) * 1000 + 124);
  const std::string at_ms_before = std::to_string(unix_seconds_from_now(1500) * 1000 + 122);

  std::vector<script> out = {
      {"expire ttl persist",
       {A({"SET", "k", "v"}), A({"TTL", "k"}), A({"PTTL", "k"}), A({"EXPIRETIME", "k"}),
        A({"PEXPIRETIME", "k"}), A({"TTL", "missing"}), A({"PTTL", "missing"}),
        A({"EXPIRETIME", "missing"}), A({"PEXPIRETIME", "missing"}), A({"EXPIRE", "k", "100"}),
        A_ttl("k"), A_pttl("k"), A_close({"EXPIRETIME", "k"}, kSecondsSlack),
        A_close({"PEXPIRETIME", "k"}, kMsSlack), A({"PEXPIRE", "k", "50000"}), A_pttl("k"),
        A_ttl("k"), A({"EXPIREAT", "k", at_s}), A({"EXPIRETIME", "k"}), A({"PEXPIRETIME", "k"}),
        A_close({"TTL", "k"}, kSecondsSlack), A({"PEXPIREAT", "k", at_ms}), A({"PEXPIRETIME", "k"}),
        A({"EXPIRETIME", "k"}), A({"GET", "k"}), A({"EXPIRE", "missing", "100"}),
        A({"PEXPIREAT", "missing", at_ms}), A({"EXISTS", "missing"}), A({"PERSIST", "k"}),
        A({"TTL", "k"}), A({"PERSIST", "k"}), A({"PERSIST", "missing"}), A({"GET", "k"}),
        A({"expire", "k", "100"}), A_ttl("k"), A({"persist", "k"}),
        // A deadline at or before now deletes the key, and the command answers 1.
        A({"EXPIRE", "k", "0"}), A({"EXISTS", "k"}), A({"TTL", "k"}), A({"SET", "k", "v"}),
        A({"PEXPIRE", "k", "-5"}), A({"GET", "k"}), A({"SET", "k", "v"}), A({"EXPIREAT", "k", "1"}),
        A({"EXISTS", "k"}), A({"SET", "k", "v"}), A({"PEXPIREAT", "k", "0"}), A({"EXISTS", "k"}),
        A({"SET", "k", "v"}), A({"EXPIRE", "k", "-9223372036854775"}), A({"EXISTS", "k"}),
        A({"SET", "k", "v"}), A({"PEXPIRE", "k", kMin}), A({"EXISTS", "k"}), A({"DBSIZE"}),
        // The farthest deadlines there are.
        A({"SET", "k", "v"}), A({"PEXPIREAT", "k", kMax}), A({"PEXPIRETIME", "k"}),
        A({"EXPIRETIME", "k"}), A_pttl("k"), A_ttl("k"), A({"EXPIREAT", "k", "9223372036854775"}),
        A({"EXPIRETIME", "k"}), A({"PEXPIREAT", "k", "9223372036854775308"}),
        A({"EXPIRETIME", "k"}), A({"EXPIRE", "k", "9223372036854775"}), A({"PEXPIRETIME", "k"})}},
      // A key with no deadline has one infinitely far away: GT never holds, LT always does.
      {"expire nx xx gt lt",
       {A({"SET", "k", "v"}), A({"EXPIRE", "k", "100", "XX"}), A({"EXPIRE", "k", "100", "GT"}),
        A({"TTL", "k"}), A({"EXPIRE", "k", "100", "LT"}), A_ttl("k"),
        A({"EXPIRE", "k", "200", "NX"}), A({"EXPIRE", "k", "200", "GT"}), A_ttl("k"),
        A({"EXPIRE", "k", "100", "GT"}), A({"EXPIRE", "k", "300", "LT"}),
        A({"EXPIRE", "k", "50", "LT"}), A_ttl("k"), A({"EXPIRE", "k", "60", "XX", "GT"}),
        A({"EXPIRE", "k", "10", "XX", "LT"}), A({"EXPIRE", "k", "20", "xx", "lt"}), A_ttl("k"),
        A({"PERSIST", "k"}), A({"EXPIRE", "k", "10", "XX", "LT"}), A({"EXPIRE", "k", "10", "NX"}),
        A({"EXPIRE", "k", "20", "nx"}), A_ttl("k"), A({"EXPIRE", "k", "10", "NX", "NX"}),
        A({"EXPIRE", "k", "100", "GT", "GT", "XX"}), A({"EXPIRE", "missing", "10", "NX"}),
        A({"EXPIRE", "missing", "10", "LT"}), A({"EXISTS", "missing"}),
        // A past deadline that a condition lets through deletes the key.
        A({"EXPIRE", "k", "-1", "GT"}), A({"EXISTS", "k"}), A({"EXPIRE", "k", "-1", "LT"}),
        A({"EXISTS", "k"}), A({"SET", "k2", "v"}), A({"EXPIRE", "k2", "-1", "NX"}),
        A({"EXISTS", "k2"}),
        // Equal deadlines: neither later nor earlier.
        A({"SET", "k", "v"}), A({"PEXPIREAT", "k", at_ms}),
        A({"PEXPIREAT", "k", at_ms_before, "GT"}), A({"PEXPIREAT", "k", at_ms, "GT"}),
        A({"PEXPIREAT", "k", at_ms, "LT"}), A({"PEXPIREAT", "k", at_ms_next, "GT"}),
        A({"PEXPIRETIME", "k"}), A({"PEXPIREAT", "k", at_ms_next, "LT"}),
        A({"PEXPIREAT", "k", at_ms, "LT"}), A({"PEXPIRETIME", "k"}),
        A({"EXPIREAT", "k", at_s_later, "LT"}), A({"EXPIREAT", "k", at_s_later, "GT"}),
        A({"EXPIRETIME", "k"}), A({"PEXPIRE", "k", "5000", "GT"}),
        A({"PEXPIRE", "k", "5000", "LT"}), A_pttl("k")}},
      {"set with expiry",
       {A({"SET", "k", "v", "EX", "100"}), A_ttl("k"), A({"SET", "k", "v", "PX", "100000"}),
        A_pttl("k"), A({"SET", "k", "v", "EXAT", at_s}), A({"EXPIRETIME", "k"}),
        A({"SET", "k", "v", "PXAT", at_ms}), A({"PEXPIRETIME", "k"}), A({"SET", "k", "v"}),
        A({"TTL", "k"}), A({"SET", "k", "v", "ex", "100"}), A({"SET", "k", "w", "KEEPTTL"}),
        A_ttl("k"), A({"GET", "k"}), A({"SET", "k", "x", "keepttl", "KEEPTTL"}), A_ttl("k"),
        A({"SET", "k", "v", "NX", "EX", "10"}), A_ttl("k"),
        A({"SET", "new", "v", "NX", "EX", "10"}), A_ttl("new"),
        A({"SET", "k", "v", "XX", "PX", "5000"}), A_pttl("k"),
        A({"SET", "missing", "v", "XX", "EX", "10"}), A({"EXISTS", "missing"}),
        A({"SET", "k", "v3", "GET", "EX", "100"}), A_ttl("k"),
        A({"SET", "k", "v4", "KEEPTTL", "GET"}), A_ttl("k"),
        A({"SET", "k", "v5", "NX", "GET", "EX", "10"}), A_ttl("k"),
        A({"SET", "k", "v6", "PX", "10000", "XX", "GET"}), A_pttl("k"),
        A({"SET", "k", "v", "EX", "10", "EX", "20"}), A_ttl("k"),
        A({"SET", "k", "v", "PXAT", at_ms, "PXAT", at_ms_next}), A({"PEXPIRETIME", "k"}),
        A({"SET", "k", "v", "PXAT", kMax}), A({"PEXPIRETIME", "k"}),
        A({"SET", "k", "v", "EXAT", "9223372036854775"}), A({"EXPIRETIME", "k"}),
        // A deadline in the past: the key is gone at once.
        A({"SET", "k", "v", "PXAT", "1"}), A({"GET", "k"}), A({"EXISTS", "k"}),
        A({"SET", "k", "v"}), A({"SET", "k", "w", "EXAT", "1", "GET"}), A({"GET", "k"}),
        A({"DBSIZE"})}},
      {"set expiry errors",
       {A({"SET", "k", "v", "EX", "0"}),
        A({"SET", "k", "v", "EX", "-1"}),
        A({"SET", "k", "v", "PX", "0"}),
        A({"SET", "k", "v", "EXAT", "0"}),
        A({"SET", "k", "v", "PXAT", "-5"}),
        A({"SET", "k", "v", "EX", "abc"}),
        A({"SET", "k", "v", "EX", ""}),
        A({"SET", "k", "v", "PX", "1.5"}),
        A({"SET", "k", "v", "EX", "9223372036854775"}),
        A({"SET", "k", "v", "EX", "9223372036854776"}),
        A({"SET", "k", "v", "EXAT", "9223372036854776"}),
        A({"SET", "k", "v", "PX", kMax}),
        A({"SET", "k", "v", "PX", "9223372036854775808"}),
        A({"SET", "k", "v", "EX", "10", "PX", "10"}),
        A({"SET", "k", "v", "EXAT", "10", "PXAT", "10"}),
        A({"SET", "k", "v", "EX", "10", "KEEPTTL"}),
        A({"SET", "k", "v", "KEEPTTL", "EX", "10"}),
        A({"SET", "k", "v", "KEEPTTL", "PXAT", "10"}),
        A({"SET", "k", "v", "EX"}),
        A({"SET", "k", "v", "PX"}),
        A({"SET", "k", "v", "NX", "EXAT"}),
        A({"SET", "k", "v", "EX", "10", "foo"}),
        A({"SET", "k", "v", "foo", "EX", "abc"}),
        A({"SET", "k", "v", "EX", "abc", "foo"}),
        A({"SET", "k", "v", "EX", "abc", "XX", "NX"}),
        A({"SET", "k", "v", "GET", "EX", "abc"}),
        A({"SET", "k", "v", "EX", "0", "GET"}),
        A({"SET", "k", "v", "PERSIST"}),
        A({"SET", "k", "v", "EX", "10", "PERSIST"}),
        A({"SET", "k", "v", "EXP", "10"}),
        A({"EXISTS", "k"}),
        A({"SET", "k", "v", std::string("ex\0x", 4), "10"}),
        A_ttl("k"),
        A({"SET", "k", "v", std::string("keepttl\0x", 9)}),
        A_ttl("k")}},
      {"setex psetex",
       {A({"SETEX", "k", "100", "v"}),
        A_ttl("k"),
        A({"GET", "k"}),
        A({"PSETEX", "k", "100000", "w"}),
        A_pttl("k"),
        A({"GET", "k"}),
        A({"setex", "k", "50", "x"}),
        A_ttl("k"),
        A({"SETEX", "k", "0", "v"}),
        A({"SETEX", "k", "-1", "v"}),
        A({"SETEX", "k", "abc", "v"}),
        A({"SETEX", "k", "", "v"}),
        A({"SETEX", "k", "9223372036854775", "v"}),
        A({"SETEX", "k", "9223372036854776", "v"}),
        A({"PSETEX", "k", "0", "v"}),
        A({"PSETEX", "k", "-1", "v"}),
        A({"PSETEX", "k", kMax, "v"}),
        A({"PSETEX", "k", "1.5", "v"}),
        A({"GET", "k"}),
        A({"SETEX", "k", "10"}),
        A({"SETEX", "k", "10", "v", "x"}),
        A({"SETEX"}),
        A({"PSETEX", "k"}),
        A({"PSETEX", "k", "10", "v", "x"}),
        A({"SETEX", "fresh", "30", "v"}),
        A_ttl("fresh")}},
      {"getex",
       {A({"GETEX", "missing"}), A({"SET", "k", "v"}), A({"GETEX", "k"}), A({"TTL", "k"}),
        A({"GETEX", "k", "EX", "100"}), A_ttl("k"), A({"GETEX", "k"}), A_ttl("k"),
        A({"GETEX", "k", "PX", "50000"}), A_pttl("k"), A({"GETEX", "k", "EXAT", at_s}),
        A({"EXPIRETIME", "k"}), A({"GETEX", "k", "PXAT", at_ms}), A({"PEXPIRETIME", "k"}),
        A({"GETEX", "k", "PERSIST"}), A({"TTL", "k"}), A({"GETEX", "k", "persist"}),
        A({"GETEX", "k", "PERSIST", "PERSIST"}), A({"GETEX", "k", "ex", "10", "EX", "20"}),
        A_ttl("k"), A({"GETEX", "missing", "EX", "10"}), A({"GETEX", "missing", "PERSIST"}),
        A({"EXISTS", "missing"}),
        // Errors: the options first; then a missing key is nil whatever the time; then the time.
        A({"GETEX", "k", "EX", "0"}), A({"GETEX", "k", "EX", "-1"}), A({"GETEX", "k", "EX", "abc"}),
        A({"GETEX", "k", "PX", kMax}), A({"GETEX", "k", "EX", "9223372036854775"}),
        A({"GETEX", "k", "EXAT", "9223372036854776"}), A({"GETEX", "k", "PXAT", "0"}),
        A({"GETEX", "missing", "EX", "0"}), A({"GETEX", "missing", "EX", "abc"}),
        A({"GETEX", "missing", "PX", kMax}), A({"GETEX", "missing", "FOO"}),
        A({"GETEX", "k", "FOO"}), A({"GETEX", "k", "PERSIST", "EX", "10"}),
        A({"GETEX", "k", "EX", "10", "PERSIST"}), A({"GETEX", "k", "EX", "10", "PX", "10"}),
        A({"GETEX", "k", "NX"}), A({"GETEX", "k", "XX"}), A({"GETEX", "k", "KEEPTTL"}),
        A({"GETEX", "k", "GET"}), A({"GETEX", "k", "EX"}), A({"GETEX"}), A_ttl("k"),
        // A deadline in the past: the value, then the key is gone.
        A({"GETEX", "k", "EXAT", "1"}), A({"EXISTS", "k"}), A({"SET", "k", "v"}),
        A({"GETEX", "k", "PXAT", "1"}), A({"GET", "k"}), A({"GETEX", "k", "PXAT", "1"})}},
      // What other commands do to a key's deadline.
      {"writes that keep or replace a deadline",
       {A({"SET", "{t}k", "1", "EX", "100"}),
        A({"INCR", "{t}k"}),
        A_ttl("{t}k"),
        A({"INCRBY", "{t}k", "5"}),
        A({"DECR", "{t}k"}),
        A({"DECRBY", "{t}k", "2"}),
        A_ttl("{t}k"),
        A({"GET", "{t}k"}),
        A({"GETSET", "{t}k", "2"}),
        A({"TTL", "{t}k"}),
        A({"SET", "{t}k", "1", "EX", "100"}),
        A({"MSET", "{t}k", "3", "{t}x", "1"}),
        A({"TTL", "{t}k"}),
        A({"SET", "{t}k", "1", "EX", "100"}),
        A({"SET", "{t}k", "2"}),
        A({"TTL", "{t}k"}),
        A({"SET", "{t}k", "1", "EX", "100"}),
        A({"SETEX", "{t}k", "10", "v"}),
        A_ttl("{t}k"),
        A({"SET", "{t}k", "1", "EX", "100"}),
        A({"PSETEX", "{t}k", "20000", "v"}),
        A_pttl("{t}k"),
        A({"SET", "{t}k", "1", "EX", "100"}),
        A({"SET", "{t}k", "2", "KEEPTTL"}),
        A_ttl("{t}k"),
        A({"SETNX", "{t}k", "3"}),
        A({"MSETNX", "{t}k", "3", "{t}y", "1"}),
        A({"SET", "{t}k", "3", "NX"}),
        A_ttl("{t}k"),
        A({"SET", "{t}k", "4", "XX"}),
        A({"TTL", "{t}k"}),
        A({"SET", "{t}k", "1", "EX", "100"}),
        A({"DEL", "{t}k"}),
        A({"SET", "{t}k", "v"}),
        A({"TTL", "{t}k"}),
        A({"SET", "{t}k", "1", "EX", "100"}),
        A({"GETDEL", "{t}k"}),
        A({"INCR", "{t}k"}),
        A({"TTL", "{t}k"}),
        A({"SET", "{t}k", "1", "EX", "100"}),
        A({"FLUSHDB"}),
        A({"TTL", "{t}k"}),
        A({"SET", "{t}k", "1", "EX", "100"}),
        A({"GET", "{t}k"}),
        A({"EXISTS", "{t}k"}),
        A({"STRLEN", "{t}k"}),
        A({"TYPE", "{t}k"}),
        A_ttl("{t}k")}},
      // The deadline passes while the client waits: the key is gone for every read and count.
      {"a deadline passing",
       {A({"SET", "a", "1", "PX", "200"}),
        A({"SET", "b", "2"}),
        A({"PEXPIRE", "b", "200"}),
        A({"SET", "c", "3", "PX", "100000"}),
        A({"SETEX", "d", "1", "4"}),
        A({"SET", "e", "5"}),
        A({"GETEX", "e", "PX", "200"}),
        A({"DBSIZE"}),
        wait_ms(1500),
        A({"GET", "a"}),
        A({"EXISTS", "b"}),
        A({"TTL", "a"}),
        A({"PTTL", "b"}),
        A({"EXPIRETIME", "d"}),
        A_keys({"KEYS", "*"}),
        A_scan({}),
        A({"DBSIZE"}),
        A({"STRLEN", "a"}),
        A({"TYPE", "b"}),
        A({"INCR", "a"}),
        A({"TTL", "a"}),
        A({"EXPIRE", "b", "100"}),
        A({"PERSIST", "d"}),
        A({"GETEX", "e"}),
        A({"SET", "d", "x", "KEEPTTL"}),
        A({"TTL", "d"}),
        A({"DBSIZE"})}},
      {"expiry inside multi",
       {A({"MULTI"}),
        A({"SET", "{t}k", "v", "EX", "100"}),
        A({"TTL", "{t}k"}),
        A({"PTTL", "{t}k"}),
        A({"EXPIRE", "{t}k", "50"}),
        A({"TTL", "{t}k"}),
        A({"PERSIST", "{t}k"}),
        A({"TTL", "{t}k"}),
        A({"PEXPIRE", "{t}k", "abc"}),
        A({"EXPIRE", "{t}k", "10", "NX", "XX"}),
        A({"EXPIRE", "{t}k", "10", "FOO"}),
        A({"SETEX", "{t}k", "0", "v"}),
        A({"SET", "{t}k", "v", "EX", "0"}),
        A({"SET", "{t}k", "v", "EX", "10", "PX", "10"}),
        A({"GETEX", "{t}k", "EX", "100"}),
        A({"GETEX", "{t}k", "EX", "abc"}),
        A({"GETEX", "{t}missing", "EX", "abc"}),
        A({"EXPIREAT", "{t}k", at_s}),
        A({"EXPIRETIME", "{t}k"}),
        A({"PEXPIREAT", "{t}k", at_ms, "XX"}),
        A({"PEXPIRETIME", "{t}k"}),
        A({"EXPIRE", "{t}k", "-1"}),
        A({"EXISTS", "{t}k"}),
        A({"SETEX", "{t}n", "100", "1"}),
        A({"INCR", "{t}n"}),
        A({"TTL", "{t}n"}),
        A_close({"EXEC"}, kSecondsSlack),
        A_ttl("{t}n"),
        A({"MULTI"}),
        A({"TTL"}),
        A({"EXPIRE", "{t}k"}),
        A({"EXEC"})}},
      // WATCH as Redis 7.0 has it (src/multi.c): a watched key that expires before EXEC is a
      // change; a key already expired when watched counts as missing.
      {"watched key expiring before exec",
       {A({"SET", "k", "v", "PX", "300"}), A({"WATCH", "k"}), wait_ms(1000), A({"MULTI"}),
        A({"SET", "k", "x"}), A({"EXEC"}), A({"GET", "k"})}},
      {"watched key expired before watch",
       {A({"SET", "k", "v", "PX", "100"}), wait_ms(600), A({"WATCH", "k"}), wait_ms(300),
        A({"MULTI"}), A({"SET", "k", "x"}), A({"EXEC"}), A({"GET", "k"})}},
      {"watched key with a far deadline",
       {A({"SET", "k", "v", "EX", "100"}), A({"WATCH", "k"}), A({"MULTI"}), A({"SET", "k", "x"}),
        A({"EXEC"}), A({"GET", "k"})}},
      {"watched key given a deadline by the other client",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"EXPIRE", "k", "100"}), A({"MULTI"}),
        A({"GET", "k"}), A({"EXEC"})}},
      {"watched key persisted by the other client",
       {A({"SET", "k", "v", "EX", "100"}), A({"WATCH", "k"}), B({"PERSIST", "k"}), A({"MULTI"}),
        A({"GET", "k"}), A({"EXEC"})}},
      {"watched key expired by the other client",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"PEXPIRE", "k", "0"}), A({"MULTI"}),
        A({"SET", "k", "x"}), A({"EXEC"}), A({"GET", "k"})}},
      {"watched key given a deadline by getex",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"GETEX", "k", "EX", "100"}), A({"MULTI"}),
        A({"GET", "k"}), A({"EXEC"})}},
      {"watched key not touched by expiry commands that change nothing",
       {A({"SET", "{t}k", "v"}), A({"WATCH", "{t}k", "{t}missing"}), B({"PERSIST", "{t}k"}),
        B({"EXPIRE", "{t}k", "100", "XX"}), B({"EXPIRE", "{t}k", "100", "GT"}), B({"TTL", "{t}k"}),
        B({"PTTL", "{t}k"}), B({"EXPIRETIME", "{t}k"}), B({"GETEX", "{t}k"}),
        B({"EXPIRE", "{t}missing", "1"}), B({"PERSIST", "{t}missing"}),
        B({"GETEX", "{t}missing", "EX", "10"}), A({"MULTI"}), A({"GET", "{t}k"}), A({"EXEC"})}},
      {"watched key touched by set keepttl",
       {A({"SET", "k", "v", "EX", "100"}), A({"WATCH", "k"}), B({"SET", "k", "v", "KEEPTTL"}),
        A({"MULTI"}), A({"GET", "k"}), A({"EXEC"})}},
  };

  // Every EXPIRE-family command refuses the same arguments, in Redis's order of checks: the
  // options, their combinations, the integer, its range in ms, its range once added to now.
  script errors{"expire family errors", {}};
  const std::vector<std::vector<std::string>> bad = {
      {"100", "NX", "XX"},
      {"100", "NX", "GT"},
      {"100", "lt", "nx"},
      {"100", "GT", "LT"},
      {"100", "XX", "GT", "LT"},
      {"100", "NX", "XX", "GT", "LT"},
      {"100", "FOO"},
      {"100", "NX", "FOO"},
      {"100", ""},
      {"100", "a\r\nb"},
      {"100", std::string("ab\0c", 4)},
      {"100", std::string("nx\0c", 4)},
      {"abc"},
      {"abc", "FOO"},
      {"abc", "NX", "XX"},
      {""},
      {"1.5"},
      {" 1"},
      {kMax},
      {kMin},
      {"9223372036854775"},
      {"-9223372036854775"},
      {"9223372036854776"},
      {"-9223372036854776"},
      {"9223372036854775808"},
      {"9223372036854774807"},
  };
  for (const char* command : {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
    for (const auto& args : bad) {
      for (const char* key : {"k", "missing"}) {
        errors.steps.push_back(A({"SET", "k", "v"}));
        std::vector<std::string> cmd = {command, key};
        cmd.insert(cmd.end(), args.begin(), args.end());
        errors.steps.push_back(A(cmd));
        errors.steps.push_back(A_pttl("k"));
      }
    }
    errors.steps.push_back(A({command}));
    errors.steps.push_back(A({command, "k"}));
  }
  for (const char* command : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "PERSIST"}) {
    errors.steps.push_back(A({command}));
    errors.steps.push_back(A({command, "a", "b"}));
  }
  out.push_back(errors);
  return out;
}

// APPEND, GETRANGE, SUBSTR, SETRANGE, INCRBYFLOAT and LCS (Redis's t_string.c): replies, errors
// in Redis's order, kept deadlines, and when WATCH sees them as writes.
std::vector<script> string_edit_scripts() {
  const std::string at_ms = std::to_string(unix_seconds_from_now(1500) * 1000 + 123);
  const std::string binary("a\0\r\nb", 5);
  std::vector<script> out = {
      {"append",
       {A({"APPEND", "k", "hello"}),
        A({"APPEND", "k", " world"}),
        A({"GET", "k"}),
        A({"APPEND", "k", ""}),
        A({"STRLEN", "k"}),
        A({"APPEND", "e", ""}),
        A({"EXISTS", "e"}),
        A({"GET", "e"}),
        A({"APPEND", "b", binary}),
        A({"APPEND", "b", binary}),
        A({"GET", "b"}),
        A({"SET", "n", "10"}),
        A({"APPEND", "n", "5"}),
        A({"INCR", "n"}),
        A({"APPEND", "n", "x"}),
        A({"INCR", "n"}),
        A({"append", "n", "!"}),
        A({"APPEND"}),
        A({"APPEND", "k"}),
        A({"APPEND", "k", "a", "b"})}},
      {"getrange and substr",
       {A({"SET", "k", "Hello World"}), A({"GETRANGE", "k", "0", "4"}),
        A({"GETRANGE", "k", "-5", "-1"}), A({"GETRANGE", "k", "0", "-1"}),
        A({"GETRANGE", "k", "5", "3"}), A({"GETRANGE", "k", "-100", "100"}),
        A({"GETRANGE", "k", "100", "200"}), A({"GETRANGE", "k", "0", "0"}),
        A({"GETRANGE", "k", "-1", "-1"}), A({"GETRANGE", "k", "-1", "-5"}),
        A({"GETRANGE", "k", "0", "-100"}), A({"GETRANGE", "k", "10", "-1"}),
        A({"GETRANGE", "k", kMin, kMax}), A({"GETRANGE", "k", kMax, kMin}),
        A({"GETRANGE", "missing", "0", "-1"}), A({"GETRANGE", "missing", "5", "1"}),
        A({"SET", "e", ""}), A({"GETRANGE", "e", "0", "-1"}), A({"GETRANGE", "e", "-1", "-1"}),
        A({"SET", "i", "12345"}), A({"GETRANGE", "i", "1", "2"}), A({"SUBSTR", "k", "0", "2"}),
        A({"SUBSTR", "k", "-3", "-1"}), A({"SUBSTR", "missing", "0", "1"}),
        A({"substr", "k", "6", "100"}), A({"getrange", "k", "1", "1"}),
        // The start is read first, then the end; both before the key.
        A({"GETRANGE", "k", "x", "1"}), A({"GETRANGE", "k", "1", "x"}),
        A({"GETRANGE", "missing", "1.5", "2"}), A({"GETRANGE", "k", "9223372036854775808", "1"}),
        A({"SUBSTR", "k", "0", " 1"}), A({"GETRANGE", "k", "0"}), A({"GETRANGE", "k"}),
        A({"GETRANGE", "k", "0", "1", "2"}), A({"SUBSTR", "k", "0"}), A({"SUBSTR"})}},
      {"setrange",
       {A({"SETRANGE", "k", "0", "hello"}), A({"SETRANGE", "k", "8", "world"}), A({"GET", "k"}),
        A({"SETRANGE", "k", "1", "EL"}), A({"GET", "k"}), A({"SETRANGE", "k", "0", ""}),
        A({"SETRANGE", "k", "100", ""}), A({"GET", "k"}), A({"SETRANGE", "k", "13", binary}),
        A({"GET", "k"}),
        // An empty value writes nothing, not even a missing key.
        A({"SETRANGE", "missing", "0", ""}), A({"SETRANGE", "missing", "5", ""}),
        A({"EXISTS", "missing"}), A({"SETRANGE", "pad", "3", "x"}), A({"GET", "pad"}),
        A({"SET", "n", "123"}), A({"SETRANGE", "n", "1", "x"}), A({"GET", "n"}),
        A({"SETRANGE", "n", "3", "4"}), A({"INCR", "n"}),
        // The offset is checked before the key; the 512 MB limit after it, and not for "".
        A({"SETRANGE", "k", "-1", "x"}), A({"SETRANGE", "missing", "-1", ""}),
        A({"SETRANGE", "k", "x", "x"}), A({"SETRANGE", "k", "1.5", "x"}),
        A({"SETRANGE", "k", "9223372036854775808", "x"}), A({"SETRANGE", "k", kMin, "x"}),
        A({"SETRANGE", "k", "536870912", "x"}), A({"SETRANGE", "k", "536870911", "xy"}),
        A({"SETRANGE", "k", kMax, "x"}), A({"SETRANGE", "missing", "536870912", "x"}),
        A({"SETRANGE", "missing", "536870912", ""}), A({"SETRANGE", "k", kMax, ""}),
        A({"EXISTS", "missing"}), A({"GET", "k"}), A({"setrange", "k", "0", "H"}),
        A({"SETRANGE", "k", "0"}), A({"SETRANGE", "k"}), A({"SETRANGE", "k", "0", "a", "b"})}},
      {"incrbyfloat",
       {A({"INCRBYFLOAT", "f", "10.5"}), A({"INCRBYFLOAT", "f", "0.1"}),
        A({"INCRBYFLOAT", "f", "-5"}), A({"GET", "f"}), A({"INCRBYFLOAT", "f", "5.0e3"}),
        A({"INCRBYFLOAT", "f", "2.0e2"}), A({"INCRBYFLOAT", "f", "1e-5"}),
        A({"INCRBYFLOAT", "f", "0x10"}), A({"INCRBYFLOAT", "f", "-10000"}),
        A({"INCRBYFLOAT", "p", "0.1"}), A({"INCRBYFLOAT", "p", "0.2"}),
        A({"INCRBYFLOAT", "p", "0.3"}), A({"INCRBYFLOAT", "z", "-0.0"}), A({"GET", "z"}),
        A({"SET", "i", "5"}), A({"INCRBYFLOAT", "i", "1"}), A({"INCR", "i"}),
        A({"INCRBYFLOAT", "i", "1.5"}), A({"INCR", "i"}), A({"SET", "s", "1.0"}),
        A({"INCRBYFLOAT", "s", "0"}), A({"SET", "s", "-0"}), A({"INCRBYFLOAT", "s", "0"}),
        A({"SET", "big", "1.7e308"}), A({"INCRBYFLOAT", "big", "1.7e308"}),
        A({"INCRBYFLOAT", "small", "1e-300"}), A({"INCRBYFLOAT", "small", "-1e-300"}),
        A({"INCRBYFLOAT", "q", "1e400"}),
        // Not floats: the current value is read first, then the increment.
        A({"INCRBYFLOAT", "f", "abc"}), A({"INCRBYFLOAT", "f", ""}), A({"INCRBYFLOAT", "f", " 1"}),
        A({"INCRBYFLOAT", "f", "1 "}), A({"INCRBYFLOAT", "f", "nan"}),
        A({"INCRBYFLOAT", "f", "1e5000"}), A({"SET", "v", "abc"}), A({"INCRBYFLOAT", "v", "1"}),
        A({"INCRBYFLOAT", "v", "abc"}), A({"SET", "v", " 1"}), A({"INCRBYFLOAT", "v", "1"}),
        A({"SET", "v", ""}), A({"INCRBYFLOAT", "v", "1"}), A({"GET", "v"}),
        // NaN or Infinity: nothing changes.
        A({"INCRBYFLOAT", "f", "inf"}), A({"INCRBYFLOAT", "f", "-inf"}),
        A({"INCRBYFLOAT", "new", "inf"}), A({"EXISTS", "new"}), A({"SET", "h", "inf"}),
        A({"INCRBYFLOAT", "h", "-inf"}), A({"INCRBYFLOAT", "h", "1"}), A({"GET", "f"}),
        A({"incrbyfloat", "f", "1"}), A({"INCRBYFLOAT", "f"}), A({"INCRBYFLOAT", "f", "1", "2"}),
        A({"INCRBYFLOAT"})}},
      {"string edits keep the deadline",
       {A({"SET", "k", "v", "PXAT", at_ms}), A({"APPEND", "k", "x"}), A({"PEXPIRETIME", "k"}),
        A({"SETRANGE", "k", "0", "z"}), A({"PEXPIRETIME", "k"}), A({"SETRANGE", "k", "0", ""}),
        A({"PEXPIRETIME", "k"}), A({"GETRANGE", "k", "0", "-1"}), A({"PEXPIRETIME", "k"}),
        A({"SET", "f", "1", "PXAT", at_ms}), A({"INCRBYFLOAT", "f", "1.5"}),
        A({"PEXPIRETIME", "f"}), A({"INCRBYFLOAT", "f", "x"}), A({"PEXPIRETIME", "f"}),
        // A key past its deadline is missing to the edit, which makes a new one without any.
        A({"SET", "k", "v", "PX", "100"}), A({"SET", "f", "1", "PX", "100"}),
        A({"SET", "r", "v", "PX", "100"}), wait_ms(150), A({"APPEND", "k", "new"}),
        A({"PEXPIRETIME", "k"}), A({"GET", "k"}), A({"INCRBYFLOAT", "f", "2"}), A({"TTL", "f"}),
        A({"SETRANGE", "r", "2", "x"}), A({"GET", "r"}), A({"TTL", "r"})}},
      {"string edits inside multi",
       {A({"MULTI"}), A({"APPEND", "{t}k", "ab"}), A({"SETRANGE", "{t}k", "1", "Z"}),
        A({"GETRANGE", "{t}k", "0", "-1"}), A({"SUBSTR", "{t}k", "0", "0"}),
        A({"INCRBYFLOAT", "{t}f", "1.5"}), A({"INCRBYFLOAT", "{t}k", "1"}),
        A({"SETRANGE", "{t}k", "-1", "x"}), A({"GETRANGE", "{t}k", "a", "b"}),
        A({"SETRANGE", "{t}k", "536870912", "x"}), A({"SETRANGE", "{t}missing", "0", ""}),
        A({"APPEND", "{t}f", "0"}), A({"GET", "{t}f"}), A({"EXEC"}),
        A({"MGET", "{t}k", "{t}f", "{t}missing"})}},
      {"string edit arity while queuing aborts exec",
       {A({"MULTI"}), A({"APPEND", "k"}), A({"SET", "a", "1"}), A({"EXEC"}), A({"GET", "a"}),
        A({"MULTI"}), A({"GETRANGE", "k", "1"}), A({"SUBSTR", "k"}), A({"SETRANGE", "k", "1"}),
        A({"INCRBYFLOAT", "k"}), A({"INCRBYFLOAT", "k", "1"}), A({"EXEC"}), A({"EXISTS", "k"})}},
  };
  // LCS: Redis's table and walk back through it, so that ties and ranges come out the same.
  std::string x, y;
  std::uint32_t seed = 12345;
  for (int i = 0; i < 300; ++i) {  // a small alphabet: many equally long answers
    seed = seed * 1103515245 + 12345;
    x += static_cast<char>('a' + (seed >> 16) % 4);
    seed = seed * 1103515245 + 12345;
    y += static_cast<char>('a' + (seed >> 16) % 4);
  }
  // (12001 x 12001) table cells of 4 bytes pass Redis's 512 MB proto-max-bulk-len.
  const std::string wide_a(12000, 'a'), wide_b(12000, 'b');
  out.push_back(
      {"lcs",
       {A({"MSET", "{t}a", "ohmytext", "{t}b", "mynewtext"}), A({"LCS", "{t}a", "{t}b"}),
        A({"LCS", "{t}a", "{t}b", "LEN"}), A({"LCS", "{t}a", "{t}b", "IDX"}),
        A({"LCS", "{t}a", "{t}b", "IDX", "MINMATCHLEN", "4"}),
        A({"LCS", "{t}a", "{t}b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
        A({"LCS", "{t}a", "{t}b", "WITHMATCHLEN", "IDX"}),
        A({"LCS", "{t}a", "{t}b", "idx", "minmatchlen", "-5"}),
        A({"LCS", "{t}a", "{t}b", "MINMATCHLEN", "100", "IDX", "MINMATCHLEN", "2"}),
        A({"LCS", "{t}a", "{t}b", "LEN", "LEN"}), A({"LCS", "{t}a", "{t}b", "WITHMATCHLEN"}),
        A({"LCS", "{t}a", "{t}b", "MINMATCHLEN", "3"}),
        A({"LCS", "{t}b", "{t}a", "IDX", "WITHMATCHLEN"}),
        A({"LCS", "{t}a", "{t}a", "IDX", "WITHMATCHLEN"}), A({"LCS", "{t}a", "{t}missing"}),
        A({"LCS", "{t}missing", "{t}a", "LEN"}), A({"LCS", "{t}missing", "{t}other", "IDX"}),
        A({"MSET", "{t}x", x, "{t}y", y}), A({"LCS", "{t}x", "{t}y"}),
        A({"LCS", "{t}x", "{t}y", "LEN"}), A({"LCS", "{t}x", "{t}y", "IDX", "WITHMATCHLEN"}),
        A({"LCS", "{t}y", "{t}x", "IDX", "MINMATCHLEN", "3"}),
        A({"MSET", "{t}bin1", binary + "xyz", "{t}bin2", "zz" + binary}),
        A({"LCS", "{t}bin1", "{t}bin2"}), A({"LCS", "{t}bin1", "{t}bin2", "IDX", "WITHMATCHLEN"}),
        A({"SET", "{t}n", "12345"}), A({"LCS", "{t}n", "{t}a", "IDX"}), A({"SET", "{t}e", ""}),
        A({"LCS", "{t}e", "{t}a", "IDX"}),
        // Errors: options in order, both LEN and IDX only after them all.
        A({"LCS", "{t}a", "{t}b", "LEN", "IDX"}), A({"LCS", "{t}a", "{t}b", "IDX", "LEN", "FOO"}),
        A({"LCS", "{t}a", "{t}b", "FOO"}), A({"LCS", "{t}a", "{t}b", "MINMATCHLEN"}),
        A({"LCS", "{t}a", "{t}b", "IDX", "MINMATCHLEN"}),
        A({"LCS", "{t}a", "{t}b", "MINMATCHLEN", "{t}x"}),
        A({"LCS", "{t}a", "{t}b", "MINMATCHLEN", "1.5", "LEN", "IDX"}),
        A({"LCS", "{t}a", "{t}b", "FOO", "MINMATCHLEN", "{t}x"}),
        A({"LCS", "{t}a", "{t}b", "LEN", "IDX", "FOO"}),
        A({"LCS", "{t}missing", "{t}other", "FOO"}),
        A({"LCS", "{t}a", "{t}b", std::string("IDX\0x", 5)}),
        A({"MSET", "{t}wa", wide_a, "{t}wb", wide_b}), A({"LCS", "{t}wa", "{t}wb"}),
        A({"LCS", "{t}wa", "{t}wb", "FOO"}), A({"LCS", "{t}wa", "{t}missing"}), A({"LCS", "{t}a"}),
        A({"LCS"}), A({"lcs", "{t}a", "{t}b"})}});
  out.push_back(
      {"lcs inside multi",
       {A({"SET", "{t}a", "ohmytext"}), A({"MULTI"}), A({"LCS", "{t}a", "{t}b"}),
        A({"SET", "{t}b", "mynewtext"}), A({"LCS", "{t}a", "{t}b", "IDX", "WITHMATCHLEN"}),
        A({"LCS", "{t}a", "{t}b", "LEN", "IDX"}), A({"LCS", "{t}a", "{t}b", "MINMATCHLEN", "x"}),
        A({"APPEND", "{t}a", "s"}), A({"LCS", "{t}a", "{t}b", "LEN"}), A({"EXEC"}), A({"MULTI"}),
        A({"LCS", "{t}a"}), A({"EXEC"})}});
  // Whether client B's `edit` of the key, as `before` left it, counts as a write for A's WATCH
  // (EXEC answers nil) exactly where Redis signals the key.
  struct watch_case {
    std::string name;
    std::vector<std::string> before;
    std::vector<std::string> edit;
  };
  const std::vector<watch_case> cases = {
      {"append", {"SET", "k", "v"}, {"APPEND", "k", "x"}},
      {"an empty append", {"SET", "k", "v"}, {"APPEND", "k", ""}},
      {"an empty append on a missing key", {}, {"APPEND", "k", ""}},
      {"setrange", {"SET", "k", "v"}, {"SETRANGE", "k", "0", "v"}},
      {"an empty setrange", {"SET", "k", "v"}, {"SETRANGE", "k", "5", ""}},
      {"an empty setrange on a missing key", {}, {"SETRANGE", "k", "5", ""}},
      {"a setrange past 512 MB", {"SET", "k", "v"}, {"SETRANGE", "k", "536870912", "x"}},
      {"incrbyfloat", {"SET", "k", "1"}, {"INCRBYFLOAT", "k", "0"}},
      {"incrbyfloat on a missing key", {}, {"INCRBYFLOAT", "k", "1"}},
      {"a failing incrbyfloat", {"SET", "k", "abc"}, {"INCRBYFLOAT", "k", "1"}},
      {"an infinite incrbyfloat", {"SET", "k", "1"}, {"INCRBYFLOAT", "k", "inf"}},
      {"getrange", {"SET", "k", "v"}, {"GETRANGE", "k", "0", "-1"}},
      {"substr", {"SET", "k", "v"}, {"SUBSTR", "k", "0", "-1"}},
      {"lcs", {"SET", "k", "v"}, {"LCS", "k", "k"}},
  };
  // One script (each case on a fresh key, since EXEC ends the watch), to keep the run short.
  script watched{"watched keys and string edits", {}};
  for (const auto& c : cases) {
    auto on_own_key = [&](std::vector<std::string> args) {
      args[1] += ":" + c.name;
      if (args[0] == "LCS") {
        args[2] = args[1];
      }
      return args;
    };
    const std::string key = "k:" + c.name;
    if (!c.before.empty()) {
      watched.steps.push_back(A(on_own_key(c.before)));
    }
    for (auto s :
         {A({"WATCH", key}), B(on_own_key(c.edit)), A({"MULTI"}), A({"GET", key}), A({"EXEC"})}) {
      watched.steps.push_back(s);
    }
  }
  out.push_back(watched);
  return out;
}

std::vector<script> transaction_scripts() {
  return {
      {"multi exec",
       {A({"MULTI"}), A({"SET", "{t}a", "1"}), A({"INCR", "{t}a"}), A({"GET", "{t}a"}),
        A({"MGET", "{t}a", "{t}b"}), A({"EXISTS", "{t}a", "{t}a"}), A({"PING"}), A({"ECHO", "x"}),
        A({"DBSIZE"}), A({"TYPE", "{t}a"}), A({"EXEC"}), A({"MULTI"}), A({"EXEC"}), A({"multi"}),
        A({"set", "{t}b", "2"}), A({"exec"}), A({"GET", "{t}b"})}},
      {"nested multi is an error that keeps the transaction",
       {A({"MULTI"}), A({"MULTI"}), A({"SET", "a", "1"}), A({"EXEC"}), A({"GET", "a"})}},
      {"watch inside multi is an error that keeps the transaction",
       {A({"MULTI"}), A({"WATCH", "a"}), A({"SET", "a", "1"}), A({"EXEC"}), A({"GET", "a"})}},
      {"unknown command while queuing aborts exec",
       {A({"MULTI"}), A({"SET", "{t}a", "1"}), A({"NOSUCH", "x"}), A({"SET", "{t}b", "2"}),
        A({"EXEC"}), A({"MGET", "{t}a", "{t}b"}), A({"EXEC"})}},
      {"wrong arity while queuing aborts exec",
       {A({"MULTI"}), A({"GET"}), A({"SET", "a", "1"}), A({"EXEC"}), A({"GET", "a"}), A({"MULTI"}),
        A({"SET", "a"}), A({"DISCARD"}), A({"GET", "a"})}},
      {"exec and discard without multi",
       {A({"EXEC"}), A({"DISCARD"}), A({"MULTI"}), A({"SET", "a", "1"}), A({"DISCARD"}),
        A({"DISCARD"}), A({"EXEC"}), A({"GET", "a"})}},
      {"runtime errors inside exec do not roll back",
       {A({"SET", "{t}s", "abc"}), A({"MULTI"}), A({"INCR", "{t}s"}), A({"SET", "{t}t", "1"}),
        A({"INCRBY", "{t}t", "x"}), A({"EXEC"}), A({"GET", "{t}t"})}},
      {"transaction command arity",
       {A({"MULTI", "x"}), A({"EXEC", "x"}), A({"DISCARD", "x"}), A({"WATCH"}), A({"UNWATCH", "x"}),
        A({"MULTI"}), A({"EXEC", "x"}), A({"DISCARD", "x"}), A({"EXEC"})}},
      {"watched key written by the other client",
       {A({"WATCH", "k"}), B({"SET", "k", "1"}), A({"MULTI"}), A({"SET", "k", "2"}), A({"EXEC"}),
        A({"GET", "k"})}},
      {"watched key set to the same bytes",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"SET", "k", "v"}), A({"MULTI"}),
        A({"SET", "k", "w"}), A({"EXEC"}), A({"GET", "k"})}},
      {"watched key deleted and recreated",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"DEL", "k"}), B({"SET", "k", "v"}),
        A({"MULTI"}), A({"GET", "k"}), A({"EXEC"})}},
      {"watched key flushed by flushdb",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"FLUSHDB"}), A({"MULTI"}), A({"SET", "k", "x"}),
        A({"EXEC"}), A({"GET", "k"})}},
      {"watched key flushed by flushall",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"FLUSHALL"}), A({"MULTI"}),
        A({"SET", "k", "x"}), A({"EXEC"}), A({"GET", "k"})}},
      // Redis 7.0 touches only watched keys that existed when the database was flushed.
      {"watched missing key and flushdb",
       {A({"WATCH", "k"}), B({"SET", "other", "1"}), B({"FLUSHDB"}), A({"MULTI"}),
        A({"SET", "k", "x"}), A({"EXEC"}), A({"GET", "k"})}},
      {"watched key untouched by other writes",
       {A({"SET", "{t}k", "v"}), A({"WATCH", "{t}k", "{t}missing"}), B({"SET", "{t}other", "1"}),
        B({"GET", "{t}k"}), B({"DEL", "{t}missing"}), B({"EXISTS", "{t}k"}), A({"MULTI"}),
        A({"SET", "{t}k", "x"}), A({"EXEC"}), A({"GET", "{t}k"})}},
      {"watched key written by the same client",
       {A({"WATCH", "k"}), A({"SET", "k", "1"}), A({"MULTI"}), A({"GET", "k"}), A({"EXEC"})}},
      {"unwatch forgets watched keys",
       {A({"WATCH", "k"}), A({"UNWATCH"}), B({"SET", "k", "1"}), A({"MULTI"}), A({"SET", "k", "2"}),
        A({"EXEC"}), A({"GET", "k"}), A({"UNWATCH"})}},
      {"discard unwatches",
       {A({"WATCH", "k"}), A({"MULTI"}), A({"DISCARD"}), B({"SET", "k", "1"}), A({"MULTI"}),
        A({"SET", "k", "2"}), A({"EXEC"}), A({"GET", "k"})}},
      {"exec unwatches",
       {A({"WATCH", "k"}), A({"MULTI"}), A({"EXEC"}), B({"SET", "k", "1"}), A({"MULTI"}),
        A({"SET", "k", "2"}), A({"EXEC"}), A({"GET", "k"})}},
      {"failed exec unwatches",
       {A({"WATCH", "k"}), B({"SET", "k", "1"}), A({"MULTI"}), A({"EXEC"}), B({"SET", "k", "2"}),
        A({"MULTI"}), A({"SET", "k", "3"}), A({"EXEC"}), A({"GET", "k"})}},
      {"queue error wins over a touched watched key",
       {A({"WATCH", "k"}), B({"SET", "k", "1"}), A({"MULTI"}), A({"NOSUCH"}), A({"EXEC"}),
        A({"MULTI"}), A({"EXEC"})}},
      {"several watched keys",
       {A({"WATCH", "{t}a", "{t}b"}), A({"WATCH", "{t}c"}), B({"SET", "{t}c", "1"}), A({"MULTI"}),
        A({"SET", "{t}a", "1"}), A({"EXEC"}), A({"MGET", "{t}a", "{t}c"})}},
      {"watched key touched by mset",
       {A({"WATCH", "{t}k"}), B({"MSET", "{t}x", "1", "{t}k", "2"}), A({"MULTI"}),
        A({"GET", "{t}k"}), A({"EXEC"})}},
      {"watched key touched by incr",
       {A({"WATCH", "n"}), B({"INCR", "n"}), A({"MULTI"}), A({"INCR", "n"}), A({"EXEC"}),
        A({"GET", "n"})}},
      {"watched key touched by getdel",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"GETDEL", "k"}), A({"MULTI"}), A({"GET", "k"}),
        A({"EXEC"})}},
      {"watched key touched by getset",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"GETSET", "k", "v"}), A({"MULTI"}),
        A({"GET", "k"}), A({"EXEC"})}},
      {"watched key not touched by a failed setnx",
       {A({"SET", "{t}k", "v"}), A({"WATCH", "{t}k"}), B({"SETNX", "{t}k", "w"}),
        B({"SET", "{t}k", "w", "NX"}), B({"MSETNX", "{t}k", "w", "{t}z", "1"}),
        B({"SET", "{t}m", "1", "XX"}), A({"MULTI"}), A({"GET", "{t}k"}), A({"EXEC"})}},
      {"watched key touched by a set xx",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"SET", "k", "w", "XX", "GET"}), A({"MULTI"}),
        A({"GET", "k"}), A({"EXEC"})}},
      {"watched key not touched by a failing incr",
       {A({"SET", "k", "abc"}), A({"WATCH", "k"}), B({"INCR", "k"}), A({"MULTI"}), A({"GET", "k"}),
        A({"EXEC"})}},
      {"exec is all at once for the other client",
       {A({"MULTI"}), A({"SET", "{t}a", "1"}), A({"SET", "{t}b", "2"}), B({"MGET", "{t}a", "{t}b"}),
        A({"EXEC"}), B({"MGET", "{t}a", "{t}b"})}},
      {"flushdb inside multi",
       {A({"SET", "a", "1"}), A({"MULTI"}), A({"FLUSHDB"}), A({"DBSIZE"}), A({"EXEC"}),
        A({"DBSIZE"})}},
      {"transaction in one pipeline",
       {A_raw("MULTI\r\nSET p 1\r\nINCR p\r\nGET p\r\nEXEC\r\nGET p\r\n", 6)}},
      // Every queued command takes effect in its place inside EXEC, listings included.
      {"keys, scan and dbsize inside multi see the commands queued before them",
       {A({"SET", "pre", "0"}),
        A({"MULTI"}),
        A({"SET", "a", "1"}),
        A({"KEYS", "*"}),
        A({"KEYS", "a"}),
        A({"KEYS", "nomatch*"}),
        A({"KEYS", ""}),
        A({"SCAN", "0"}),
        A({"SCAN", "0", "MATCH", "a*"}),
        A({"SCAN", "0", "COUNT", "100", "TYPE", "string"}),
        A({"SCAN", "0", "TYPE", "list"}),
        A({"SCAN", "0", "MATCH"}),
        A({"SCAN", "x"}),
        A({"DBSIZE"}),
        A({"EXISTS", "a", "pre"}),
        A({"DEL", "pre"}),
        A({"KEYS", "*"}),
        A({"SCAN", "0"}),
        A({"DBSIZE"}),
        A({"SET", "", "empty"}),
        A({"KEYS", ""}),
        A_nested({"EXEC"}),
        A_keys({"KEYS", "*"})}},
      {"keys inside multi after a flushdb",
       {A({"SET", "a", "1"}), A({"MULTI"}), A({"FLUSHDB"}), A({"KEYS", "*"}), A({"SET", "b", "2"}),
        A({"KEYS", "*"}), A({"SCAN", "0", "MATCH", "b"}), A({"EXEC"})}},
      {"flushall between sets inside multi",
       {A({"SELECT", "1"}), A({"SET", "other", "1"}), A({"SELECT", "0"}), A({"SET", "x", "0"}),
        A({"MULTI"}), A({"SET", "x", "1"}), A({"FLUSHALL"}), A({"SET", "y", "2"}), A({"KEYS", "*"}),
        A({"DBSIZE"}), A({"GET", "x"}), A({"EXEC"}), A({"KEYS", "*"}), A({"SELECT", "1"}),
        A({"DBSIZE"}), A({"MULTI"}), A({"FLUSHALL", "x"}), A({"EXEC"})}},
      {"info keyspace inside multi",
       {A({"SELECT", "2"}), A({"SET", "q", "1"}), A({"SELECT", "0"}), A({"INFO", "keyspace"}),
        A({"MULTI"}), A({"SET", "x", "1"}), A({"INFO", "keyspace"}), A({"FLUSHALL"}),
        A({"INFO", "keyspace"}), A({"SET", "y", "2"}), A({"INFO", "KEYSPACE"}), A({"EXEC"})}},
      {"watched key touched, flushall inside multi clears nothing",
       {A({"SET", "k", "v"}), A({"SELECT", "1"}), A({"SET", "other", "1"}), A({"SELECT", "0"}),
        A({"WATCH", "k"}), B({"SET", "k", "w"}), A({"MULTI"}), A({"FLUSHALL"}), A({"EXEC"}),
        A({"DBSIZE"}), A({"GET", "k"}), A({"SELECT", "1"}), A({"DBSIZE"})}},
      {"watched key untouched, flushall inside multi clears every database",
       {A({"SET", "k", "v"}), A({"SELECT", "1"}), A({"SET", "other", "1"}), A({"SELECT", "0"}),
        A({"WATCH", "k"}), B({"SET", "unrelated", "1"}), A({"MULTI"}), A({"SET", "k", "x"}),
        A({"FLUSHALL"}), A({"SET", "after", "1"}), A({"EXEC"}), A({"KEYS", "*"}),
        A({"SELECT", "1"}), A({"DBSIZE"})}},
      {"select inside multi",
       {A({"SET", "k", "zero"}), A({"MULTI"}), A({"SELECT", "1"}), A({"SET", "k", "one"}),
        A({"GET", "k"}), A({"SELECT", "1"}), A({"INCR", "n"}), A({"DBSIZE"}), A({"EXEC"}),
        A({"GET", "k"}), A({"SELECT", "0"}), A({"GET", "k"}), A({"DBSIZE"})}},
      {"select inside multi with only other commands",
       {A({"SET", "k", "zero"}), A({"MULTI"}), A({"SELECT", "1"}), A({"PING"}), A({"EXEC"}),
        A({"GET", "k"}), A({"MULTI"}), A({"SELECT", "0"}), A({"EXEC"}), A({"GET", "k"})}},
      {"invalid select inside multi changes nothing",
       {A({"SET", "k", "zero"}), A({"MULTI"}), A({"SELECT", "99"}), A({"SELECT", "abc"}),
        A({"SELECT", "-1"}), A({"GET", "k"}), A({"EXEC"}), A({"GET", "k"})}},
      {"select inside a transaction that does not run",
       {A({"SET", "k", "zero"}), A({"MULTI"}), A({"SELECT", "1"}), A({"DISCARD"}), A({"GET", "k"}),
        A({"MULTI"}), A({"SELECT", "1"}), A({"NOSUCH"}), A({"EXEC"}), A({"GET", "k"}),
        A({"WATCH", "k"}), B({"SET", "k", "changed"}), A({"MULTI"}), A({"GET", "k"}),
        A({"SELECT", "1"}), A({"EXEC"}), A({"GET", "k"})}},
      {"select inside multi, watched keys in the same database",
       {A({"SELECT", "1"}), A({"WATCH", "k"}), A({"SELECT", "0"}), A({"MULTI"}), A({"SELECT", "1"}),
        A({"SET", "k", "v"}), A({"EXEC"}), A({"GET", "k"}), A({"SELECT", "0"}), A({"GET", "k"})}},
      // The database an EXEC selects holds for the commands after it, even while it is applied.
      {"select inside multi in one pipeline",
       {A_raw("MULTI\r\nSELECT 1\r\nSET k one\r\nEXEC\r\nGET k\r\nSELECT 2\r\n"
              "SET k two\r\nMULTI\r\nGET k\r\nSELECT 1\r\nEXEC\r\nGET k\r\nCLIENT GETNAME\r\n"
              "MULTI\r\nSELECT 0\r\nEXEC\r\nMULTI\r\nSET k zero\r\nEXEC\r\nGET k\r\n",
              20)}},
      {"client settings inside multi change only if it runs",
       {A({"MULTI"}), A({"CLIENT", "SETNAME", "first"}), A({"CLIENT", "GETNAME"}), A({"EXEC"}),
        A({"CLIENT", "GETNAME"}), A({"WATCH", "k"}), B({"SET", "k", "1"}), A({"MULTI"}),
        A({"CLIENT", "SETNAME", "second"}), A({"HELLO", "3"}), A({"EXEC"}), A({"GET", "none"}),
        A({"CLIENT", "GETNAME"})}},
      // A queued HELLO changes the protocol of the replies after it in EXEC's array.
      {"hello inside multi",
       {A({"MULTI"}), A({"GET", "none"}), A({"HELLO", "3"}), A({"GET", "none"}), A({"HELLO", "2"}),
        A({"GET", "none"}), A_nested({"EXEC"}), A({"GET", "none"}), A({"MULTI"}), A({"HELLO", "3"}),
        A({"GET", "none"}), A_nested({"EXEC"}), A({"GET", "none"})}},
      // Every command sees the effects of the ones before it, even while a backend is still
      // applying them: data commands, database switches, listings, WATCH and EXEC in one write.
      {"mixed commands in one pipeline",
       {A_raw("SET a 1\r\nGET a\r\nINCR a\r\nSELECT 1\r\nSET a x\r\nDBSIZE\r\nGET a\r\n"
              "SELECT 0\r\nGET a\r\nKEYS a\r\nWATCH a\r\nINCR a\r\nMULTI\r\nGET a\r\n"
              "EXEC\r\nSET b 2\r\nKEYS b\r\nEXISTS a b\r\nUNWATCH\r\nWATCH b\r\n"
              "MULTI\r\nINCR b\r\nEXEC\r\nFLUSHALL\r\nDBSIZE\r\nGET a\r\nPING\r\n",
              27)}},
  };
}

// The proxy runs no scripts; what Redis's clients and test suites send to a server with no
// functions loaded gets Redis's answers.
std::vector<script> function_scripts() {
  return {{"function flush and list with no functions",
           {A({"FUNCTION", "FLUSH"}), A({"FUNCTION", "flush", "ASYNC"}),
            A({"FUNCTION", "FLUSH", "sync"}), A({"FUNCTION", "FLUSH", "x"}),
            A({"FUNCTION", "FLUSH", "SYNC", "x"}), A({"FUNCTION", "LIST"}),
            A({"FUNCTION", "LIST", "WITHCODE"}), A({"FUNCTION", "list", "libraryname", "lib*"}),
            A({"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x"}),
            A({"FUNCTION", "LIST", "LIBRARYNAME"}), A({"FUNCTION", "LIST", "WITHCODE", "WITHCODE"}),
            A({"FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"}),
            A({"FUNCTION", "LIST", "foo"}), A({"FUNCTION"}), A({"FUNCTION", "nosuch"}),
            A({"MULTI"}), A({"FUNCTION", "FLUSH"}), A({"FUNCTION", "LIST"}), A({"EXEC"})}}};
}

std::vector<script> error_scripts() {
  std::string long_arg(300, 'x');
  return {
      {"unknown commands",
       {A({"FOO"}), A({"FOO", "a", "b"}), A({"foo", "a", ""}), A({"NoSuch", "x", "y", "z"}),
        A({"FOO", long_arg}), A({"FOO", "a", long_arg, "b"}), A({""}), A({"", "a"}),
        A({"FOO", "a\r\nb"}), A({std::string("F\0O", 3)}), A({"GET x"}), A({"PING"}),
        // A subcommand's full name is a name for COMMAND INFO, not a command.
        A({"CLIENT|SETNAME", "x"}), A({"client|getname"}), A({"config|get", "port"}),
        A({"CLIENT", "GETNAME"})}},
      {"wrong number of arguments",
       {A({"GET"}),
        A({"SET", "a"}),
        A({"SETNX", "a"}),
        A({"GETSET", "a"}),
        A({"GETDEL"}),
        A({"MGET"}),
        A({"MSET", "a"}),
        A({"MSETNX", "a"}),
        A({"DEL"}),
        A({"UNLINK"}),
        A({"EXISTS"}),
        A({"KEYS"}),
        A({"SCAN"}),
        A({"TYPE"}),
        A({"STRLEN"}),
        A({"INCR"}),
        A({"INCRBY", "a"}),
        A({"DECR"}),
        A({"DECRBY", "a"}),
        A({"WATCH"}),
        A({"ECHO"}),
        A({"SELECT"}),
        A({"AUTH"}),
        A({"DBSIZE", "a"}),
        A({"PING", "a", "b"}),
        A({"CLIENT"}),
        A({"CLIENT", "SETNAME"}),
        A({"CONFIG"}),
        A({"CONFIG", "GET"}),
        A({"PING"})}},
      {"inline commands",
       {A_raw("PING\r\n"), A_raw("SET a b\r\nGET a\r\n", 2), A_raw("set 'a b' \"c\\x41\\n\"\r\n"),
        A_raw("GET 'a b'\r\n"), A_raw("ECHO \"\\r\\n\"\r\n"), A_raw("\r\n\r\nPING\r\n"),
        A_raw("  GET   a  \r\n"), A_raw("ping\n"), A_raw("FOO bar\r\n"), A_raw("*-1\r\nPING\r\n"),
        A_raw("*0\r\nPING\r\n"), A_raw("*1\r\n$4\r\nPINGxx")}},
      {"pipeline of many commands",
       {A_raw(
           [] {
             std::string s;
             for (int i = 0; i < 100; ++i) {
               auto k = "p" + std::to_string(i % 7);
               s += "*3\r\n$3\r\nSET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n$1\r\n" +
                    std::to_string(i % 10) + "\r\n";
               s += "*2\r\n$4\r\nINCR\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n";
               s += "*2\r\n$3\r\nGET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n";
             }
             return s;
           }(),
           300)}},
  };
}

// Protocol errors: Redis replies with the error and closes; where it keeps reading, so must the
// proxy. Redis 7.0 accepts multibulk counts up to INT_MAX ("*2000000" waits for more bytes).
std::vector<script> protocol_scripts() {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"bulk length of 1 GB", "*1\r\n$1073741824\r\n"},
      {"bulk length over INT_MAX", "*1\r\n$2147483648\r\n"},
      {"bulk length not a number", "*1\r\n$abc\r\n"},
      {"negative bulk length", "*1\r\n$-1\r\n"},
      {"multibulk length not a number", "*abc\r\n"},
      {"multibulk length over INT_MAX", "*2147483648\r\n"},
      {"two million arguments announced", "*2000000\r\n"},
      {"not a bulk where one is expected", "*1\r\nxx\r\n"},
      {"unbalanced double quotes", "SET \"a b\r\n"},
      {"unbalanced single quote", "'a\r\n"},
      {"quote followed by a letter", "SET \"a\"b c\r\n"},
      {"inline request too big", std::string(70000, 'x')},
      {"multibulk count line too big", "*" + std::string(70000, '1')},
      {"bulk count line too big", "*1\r\n$" + std::string(70000, '1')},
      {"good command then a bad one", "PING\r\n*abc\r\n"},
      {"truncated frame", "*3\r\n$3\r\nSET\r\n$1\r\na"},
      {"truncated bulk", "*2\r\n$4\r\nECHO\r\n$10\r\nabc"},
  };
  std::vector<script> out;
  for (auto& [name, bytes] : cases) {
    out.push_back({"protocol: " + name, {A_drain(bytes)}, false});
  }
  return out;
}

std::vector<script> auth_scripts() {
  return {
      {"auth required",
       {A({"PING"}), A({"GET", "k"}), A({"SET", "k", "v"}), A({"MULTI"}), A({"EXEC"}),
        A({"CLIENT", "SETNAME", "x"}), A({"SELECT", "0"}), A({"ECHO", "x"}),
        // Redis checks the command's existence and arity before authentication.
        A({"NOSUCH"}), A({"GET"}), A({"AUTH", "wrong"}), A({"AUTH", "default", "wrong"}),
        A({"AUTH", "nosuchuser", "secret"}), A({"GET", "k"}), A({"AUTH", "secret"}),
        A({"GET", "k"}), A({"AUTH", "wrong"}), A({"GET", "k"}), A({"AUTH", "default", "secret"}),
        A({"PING"})},
       false,
       true},
      {"hello with auth",
       {A({"HELLO", "3"}), A({"HELLO", "2"}), A({"HELLO"}),
        A({"HELLO", "3", "AUTH", "default", "wrong"}), A({"PING"}),
        A_hello({"HELLO", "3", "AUTH", "default", "secret"}), A({"GET", "k"}), A({"PING"})},
       false,
       true},
      // Redis authenticates on AUTH, then refuses the name: the connection stays authenticated.
      {"hello authenticates before a bad setname",
       {A({"HELLO", "3", "AUTH", "default", "secret", "SETNAME", "a b"}), A({"GET", "k"}),
        A({"CLIENT", "GETNAME"})},
       false,
       true},
      {"hello names the connection before a wrong password",
       {A({"HELLO", "2", "SETNAME", "early", "AUTH", "default", "wrong"}), A({"AUTH", "secret"}),
        A({"CLIENT", "GETNAME"}), A({"HELLO", "3", "SETNAME", "x", "AUTH", "default"})},
       false,
       true},
      {"reset forgets authentication",
       {A({"AUTH", "secret"}), A({"PING"}), A({"RESET"}), A({"PING"}), A({"AUTH", "secret"}),
        A({"PING"})},
       false,
       true},
      {"quit needs no authentication", {A({"PING"}), A_quit()}, false, true},
      {"unauthenticated multibulk limit", {A_drain("*11\r\n")}, false, true},
      {"unauthenticated bulk limit", {A_drain("*1\r\n$16385\r\n")}, false, true},
      {"authenticated limits are the usual ones",
       {A({"AUTH", "secret"}), A_drain("*11\r\n$4\r\nPING\r\n")},
       false,
       true},
  };
}

// RENAME, RENAMENX, COPY, MOVE, TOUCH and RANDOMKEY (src/db.c): replies, errors in Redis's order,
// deadlines that move or are copied, inside MULTI, and the keys WATCH sees them write.
std::vector<script> keyspace_step_scripts() {
  const std::string at = std::to_string(unix_seconds_from_now(1000));
  return {
      {"keyspace step rename",
       {A({"SET", "a", "1"}),
        A({"RENAME", "a", "b"}),
        A({"MGET", "a", "b"}),
        A({"RENAME", "a", "b"}),
        A({"RENAME", "a", "a"}),
        A({"RENAMENX", "a", "a"}),
        A({"RENAMENX", "a", "b"}),
        A({"RENAME", "b", "b"}),
        A({"RENAMENX", "b", "b"}),
        A({"SET", "c", "2"}),
        A({"RENAMENX", "b", "c"}),
        A({"RENAMENX", "b", "d"}),
        A({"MGET", "b", "c", "d"}),
        A({"RENAME", "d", "c"}),
        A({"MGET", "c", "d"}),
        A({"rename", "c", ""}),
        A({"GET", ""}),
        A({"DBSIZE"}),
        A({"RENAME", "a"}),
        A({"RENAMENX", "a", "b", "c"})}},
      {"keyspace step rename moves the deadline",
       {A({"SET", "{t}a", "1", "EXAT", at}), A({"RENAME", "{t}a", "{t}b"}),
        A({"EXPIRETIME", "{t}b"}), A({"SET", "{t}c", "2"}), A({"RENAME", "{t}c", "{t}b"}),
        A({"TTL", "{t}b"}), A({"SET", "{t}d", "3", "EXAT", at}), A({"RENAMENX", "{t}d", "{t}e"}),
        A({"EXPIRETIME", "{t}e"}), A({"SET", "{t}f", "4", "PX", "1"}), wait_ms(20),
        A({"RENAME", "{t}f", "{t}g"}), A({"EXISTS", "{t}f", "{t}g"})}},
      {"keyspace step copy",
       {A({"SET", "{t}a", "1", "EXAT", at}),
        A({"COPY", "{t}a", "{t}b"}),
        A({"MGET", "{t}a", "{t}b"}),
        A({"EXPIRETIME", "{t}b"}),
        A({"SET", "{t}c", "2"}),
        A({"COPY", "{t}c", "{t}b"}),
        A({"GET", "{t}b"}),
        A({"COPY", "{t}c", "{t}b", "REPLACE"}),
        A({"GET", "{t}b"}),
        A({"TTL", "{t}b"}),
        A({"COPY", "{t}c", "{t}b", "replace", "db", "0"}),
        A({"COPY", "{t}x", "{t}y"}),
        A({"COPY", "{t}x", "{t}b", "REPLACE"}),
        A({"EXISTS", "{t}x", "{t}y", "{t}b"}),
        A({"COPY", "{t}a", "{t}a"}),
        A({"COPY", "{t}x", "{t}x"}),
        A({"COPY", "{t}a", "{t}a", "DB", "0"}),
        A({"COPY", "{t}a", "{t}d", "DB", "0"}),
        A({"GET", "{t}d"}),
        A({"COPY", "{t}a"})}},
      {"keyspace step copy errors in order",
       {A({"SET", "a", "1"}), A({"COPY", "a", "b", "DB", "x"}),
        A({"COPY", "a", "b", "DB", "99999999999"}), A({"COPY", "a", "b", "DB", "16"}),
        A({"COPY", "a", "b", "DB", "-1"}), A({"COPY", "a", "b", "DB"}),
        A({"COPY", "a", "b", "REPLACE", "foo"}), A({"COPY", "a", "a", "foo"}),
        A({"COPY", "a", "a", "DB", "x"}), A({"COPY", "a", "b", "DB", "16", "foo"}),
        A({"COPY", "a", "b", "foo", "DB", "16"}), A({"EXISTS", "b"})}},
      // The same errors on keys of one slot: in front of a cluster too (a node checks slots first).
      {"keyspace step copy errors in order on one slot",
       {A({"SET", "{t}a", "1"}), A({"COPY", "{t}a", "{t}b", "DB", "x"}),
        A({"COPY", "{t}a", "{t}b", "REPLACE", "foo"}), A({"COPY", "{t}a", "{t}a", "foo"}),
        A({"COPY", "{t}a", "{t}a"}), A({"COPY", "{t}a", "{t}b", "foo", "DB", "16"}),
        A({"COPY", "{t}a", "{t}b", "REPLACE"}), A({"MGET", "{t}a", "{t}b"})}},
      {"keyspace step copy to another database",
       {A({"SET", "a", "1", "EXAT", at}),
        A({"COPY", "a", "b", "DB", "3"}),
        A({"COPY", "a", "b", "DB", "3"}),
        A({"SET", "c", "2"}),
        A({"COPY", "c", "b", "DB", "3", "REPLACE"}),
        A({"COPY", "a", "a", "DB", "3"}),
        A({"COPY", "x", "y", "DB", "3", "REPLACE"}),
        A({"EXISTS", "b"}),
        A({"SELECT", "3"}),
        A({"MGET", "a", "b", "y"}),
        A({"EXPIRETIME", "a"}),
        A({"TTL", "b"}),
        A({"COPY", "a", "d", "DB", "0"}),
        A({"SELECT", "0"}),
        A({"EXPIRETIME", "d"}),
        A({"MULTI"}),
        A({"COPY", "c", "z", "DB", "5"}),
        A({"COPY", "z", "c", "DB", "5"}),
        A({"EXEC"}),
        A({"SELECT", "5"}),
        A({"MGET", "z", "c"}),
        A({"DBSIZE"})}},
      {"watched key copied onto from another database",
       {A({"SELECT", "2"}), A({"WATCH", "k"}), B({"SET", "s", "v"}),
        B({"COPY", "s", "k", "DB", "1"}), B({"COPY", "s", "k", "DB", "2"}), A({"MULTI"}),
        A({"GET", "k"}), A({"EXEC"})}},
      {"keyspace step move",
       {A({"SET", "a", "1", "EXAT", at}),
        A({"MOVE", "a", "3"}),
        A({"MOVE", "a", "3"}),
        A({"EXISTS", "a"}),
        A({"SELECT", "3"}),
        A({"GET", "a"}),
        A({"EXPIRETIME", "a"}),
        A({"move", "a", "0"}),
        A({"SELECT", "0"}),
        A({"GET", "a"}),
        A({"SET", "b", "1"}),
        A({"SELECT", "3"}),
        A({"SET", "b", "2"}),
        A({"SELECT", "0"}),
        A({"MOVE", "b", "3"}),
        A({"GET", "b"}),
        A({"MOVE", "x", "3"}),
        A({"SET", "f", "4", "PX", "1"}),
        wait_ms(20),
        A({"MOVE", "f", "3"}),
        A({"SELECT", "3"}),
        A({"MGET", "a", "b", "f"}),
        A({"SELECT", "0"}),
        A({"SET", "", "e"}),
        A({"MOVE", "", "15"}),
        A({"SELECT", "15"}),
        A({"GET", ""}),
        A({"DBSIZE"})}},
      {"keyspace step move errors in order",
       {A({"SET", "a", "1"}), A({"MOVE", "a", "0"}), A({"MOVE", "x", "0"}), A({"MOVE", "a", "x"}),
        A({"MOVE", "a", "99999999999"}), A({"MOVE", "a", "16"}), A({"MOVE", "a", "-1"}),
        A({"MOVE", "a", " 1"}), A({"MOVE", "a", ""}), A({"MOVE", "a"}), A({"MOVE", "a", "1", "2"}),
        A({"SELECT", "7"}), A({"MOVE", "a", "7"}), A({"MOVE", "a", "007"}), A({"SELECT", "0"}),
        A({"GET", "a"})}},
      {"keyspace step move inside multi",
       {A({"MULTI"}), A({"SET", "m", "1"}), A({"MOVE", "m", "2"}), A({"MOVE", "m", "2"}),
        A({"MOVE", "m", "0"}), A({"MOVE", "m", "x"}), A({"GET", "m"}), A({"EXEC"}),
        A({"SELECT", "2"}), A({"GET", "m"}), A({"MULTI"}), A({"MOVE", "m"}), A({"EXEC"})}},
      {"watched key moved away",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"MOVE", "k", "1"}), A({"MULTI"}),
        A({"GET", "k"}), A({"EXEC"})}},
      {"watched key moved onto from another database",
       {A({"SELECT", "2"}), A({"WATCH", "k"}), B({"SET", "k", "v"}), B({"MOVE", "k", "2"}),
        A({"MULTI"}), A({"GET", "k"}), A({"EXEC"})}},
      {"watched key not touched by a move that moves nothing",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"SELECT", "1"}), B({"SET", "k", "w"}),
        B({"SELECT", "0"}), B({"MOVE", "k", "1"}), B({"MOVE", "x", "1"}), B({"MOVE", "k", "0"}),
        A({"MULTI"}), A({"GET", "k"}), A({"EXEC"})}},
      {"keyspace step touch",
       {A({"TOUCH", "{t}a"}), A({"SET", "{t}a", "1"}), A({"TOUCH", "{t}a", "{t}a", "{t}b"}),
        A({"touch", "{t}a"}), A({"SET", "{t}b", "2", "PX", "1"}), wait_ms(20),
        A({"TOUCH", "{t}a", "{t}b"}), A({"TOUCH"}), A({"MULTI"}), A({"TOUCH", "{t}a", "{t}x"}),
        A({"TOUCH"}), A({"EXEC"}), A({"MULTI"}), A({"TOUCH", "{t}a", "{t}x"}), A({"EXEC"})}},
      {"watched key not touched by touch",
       {A({"SET", "k", "v"}), A({"WATCH", "k"}), B({"TOUCH", "k"}), A({"MULTI"}), A({"GET", "k"}),
        A({"EXEC"})}},
      {"keyspace step randomkey",
       {A({"RANDOMKEY"}), A({"SET", "a", "1"}), A({"RANDOMKEY"}), A({"randomkey"}),
        A({"RANDOMKEY", "x"}), A({"SET", "b", "2", "PX", "1"}), wait_ms(20), A({"RANDOMKEY"}),
        A({"DEL", "a"}), A({"RANDOMKEY"})}},
      {"keyspace steps inside multi",
       {A({"MULTI"}), A({"SET", "{t}a", "1"}), A({"RENAME", "{t}a", "{t}b"}),
        A({"RENAMENX", "{t}b", "{t}c"}), A({"COPY", "{t}c", "{t}d"}), A({"COPY", "{t}d", "{t}d"}),
        A({"COPY", "{t}c", "{t}d", "DB", "{t}x"}), A({"RENAME", "{t}x", "{t}y"}),
        A({"DEL", "{t}c"}), A({"RANDOMKEY"}), A({"RENAMENX", "{t}d", "{t}d"}), A({"EXEC"}),
        A({"MGET", "{t}a", "{t}b", "{t}c", "{t}d"}), A({"MULTI"}), A({"RENAME", "{t}d"}),
        A({"EXEC"})}},
      {"watched key renamed away",
       {A({"SET", "{t}k", "v"}), A({"WATCH", "{t}k"}), B({"RENAME", "{t}k", "{t}j"}), A({"MULTI"}),
        A({"GET", "{t}k"}), A({"EXEC"})}},
      {"watched key renamed onto",
       {A({"WATCH", "{t}k"}), B({"SET", "{t}s", "v"}), B({"RENAMENX", "{t}s", "{t}k"}),
        A({"MULTI"}), A({"GET", "{t}k"}), A({"EXEC"})}},
      {"watched key not touched by a rename that moves nothing",
       {A({"SET", "{t}k", "v"}), A({"SET", "{t}j", "w"}), A({"WATCH", "{t}k", "{t}j"}),
        B({"RENAME", "{t}k", "{t}k"}), B({"RENAMENX", "{t}k", "{t}k"}),
        B({"RENAMENX", "{t}k", "{t}j"}), B({"RENAME", "{t}x", "{t}k"}),
        B({"RENAMENX", "{t}x", "{t}j"}), A({"MULTI"}), A({"GET", "{t}k"}), A({"EXEC"})}},
      {"watched key copied onto",
       {A({"SET", "{t}s", "v"}), A({"WATCH", "{t}k"}), B({"COPY", "{t}s", "{t}k"}), A({"MULTI"}),
        A({"GET", "{t}k"}), A({"EXEC"}), A({"WATCH", "{t}k"}),
        B({"COPY", "{t}s", "{t}k", "REPLACE"}), A({"MULTI"}), A({"GET", "{t}k"}), A({"EXEC"})}},
      {"watched key not touched by copies that write nothing or read it",
       {A({"SET", "{t}k", "v"}), A({"SET", "{t}s", "w"}), A({"WATCH", "{t}k"}),
        B({"COPY", "{t}k", "{t}j"}), B({"COPY", "{t}s", "{t}k"}),
        B({"COPY", "{t}x", "{t}k", "REPLACE"}), B({"COPY", "{t}k", "{t}k"}), A({"MULTI"}),
        A({"GET", "{t}k"}), A({"EXEC"})}},
  };
}

// SWAPDB: the keys, their deadlines and every connected client's view, Redis's error order, inside
// MULTI, and the watches it touches (multi.tcl's cases, without DEBUG).
std::vector<script> swapdb_scripts() {
  return {
      {"swapdb",
       {A({"SET", "a", "1"}),
        A({"SET", "x", "30"}),
        A({"EXPIRE", "x", "1000"}),
        A({"SELECT", "1"}),
        A({"SET", "b", "2"}),
        A({"SET", "x", "40"}),
        A({"SELECT", "0"}),
        B({"GET", "a"}),
        A({"SWAPDB", "0", "1"}),
        B({"MGET", "a", "b", "x"}),
        A({"MGET", "a", "b", "x"}),
        A({"TTL", "x"}),
        A({"DBSIZE"}),
        A({"SELECT", "1"}),
        A({"MGET", "a", "b", "x"}),
        A({"TTL", "x"}),
        A({"swapdb", "1", "0"}),
        A({"MGET", "a", "b", "x"}),
        A({"SWAPDB", "3", "3"}),
        A({"SWAPDB", "0", "3"}),
        A({"DBSIZE"}),
        A({"SELECT", "3"}),
        A({"DBSIZE"}),
        A({"MGET", "a", "b", "x"}),
        A({"SWAPDB", "15", "3"}),
        A({"DBSIZE"}),
        A({"SELECT", "15"}),
        A({"MGET", "a", "b", "x"}),
        A({"TTL", "x"}),
        B({"MGET", "a", "b", "x"})}},
      {"swapdb errors in order",
       {A({"SWAPDB", "a", "b"}), A({"SWAPDB", "0", "b"}), A({"SWAPDB", "0", "16"}),
        A({"SWAPDB", "-1", "0"}), A({"SWAPDB", "16", "x"}), A({"SWAPDB", "99999999999", "0"}),
        A({"SWAPDB", "0", "99999999999"}), A({"SWAPDB", "2147483648", "0"}),
        A({"SWAPDB", " 1", "0"}), A({"SWAPDB", "", "0"}), A({"SWAPDB", "007", "0"}),
        A({"SWAPDB", "1"}), A({"SWAPDB", "1", "2", "3"}), A({"SWAPDB", "2", "2"}),
        A({"SWAPDB", "-1", "-1"})}},
      {"swapdb inside multi",
       {A({"MULTI"}),
        A({"SET", "m", "1"}),
        A({"SWAPDB", "0", "1"}),
        A({"EXEC"}),
        A({"GET", "m"}),
        A({"SELECT", "1"}),
        A({"GET", "m"}),
        A({"MULTI"}),
        A({"SWAPDB", "0", "x"}),
        A({"SWAPDB", "0", "1"}),
        A({"SWAPDB", "1", "16"}),
        A({"SWAPDB", "0"}),
        A({"EXEC"}),
        A({"MULTI"}),
        A({"SWAPDB", "0", "1"}),
        A({"SWAPDB", "1", "2"}),
        A({"EXEC"}),
        A({"GET", "m"}),
        A({"SELECT", "2"}),
        A({"GET", "m"})}},
      {"swapdb into a database not used before",
       {A({"SET", "a", "1"}), A({"SWAPDB", "0", "5"}), A({"INFO", "keyspace"}), A({"DBSIZE"}),
        A({"SELECT", "5"}), A({"GET", "a"})}},
      {"swapdb inside a transaction whose watched key was touched",
       {A({"SET", "x", "1"}), A({"WATCH", "x"}), B({"SET", "x", "2"}), A({"MULTI"}),
        A({"SWAPDB", "0", "1"}), A({"EXEC"}), A({"GET", "x"}), A({"SELECT", "1"}), A({"DBSIZE"})}},
      {"watched key swapped away",
       {A({"SET", "x", "30"}), A({"WATCH", "x"}), B({"SWAPDB", "0", "1"}), A({"MULTI"}),
        A({"PING"}), A({"EXEC"})}},
      {"watched missing key swapped in",
       {A({"SELECT", "1"}), A({"SET", "x", "30"}), A({"SELECT", "0"}), A({"WATCH", "x"}),
        A({"SWAPDB", "0", "1"}), A({"MULTI"}), A({"PING"}), A({"EXEC"}), A({"GET", "x"})}},
      {"watched key live in neither database not touched by swapdb",
       {A({"SELECT", "1"}), A({"SET", "y", "1"}), A({"SELECT", "0"}), A({"SET", "z", "1"}),
        A({"WATCH", "x"}), B({"SWAPDB", "0", "1"}), B({"SWAPDB", "0", "2"}), A({"MULTI"}),
        A({"PING"}), A({"EXEC"})}},
      {"watched stale key not touched by swapdb",
       {A({"SELECT", "1"}), A({"SET", "x", "foo", "PX", "1"}), wait_ms(20), A({"WATCH", "x"}),
        A({"SWAPDB", "0", "1"}), A({"MULTI"}), A({"PING"}), A({"EXEC"}), A({"SELECT", "0"}),
        A({"SET", "x", "bar", "PX", "1"}), wait_ms(20), A({"SELECT", "1"}), A({"WATCH", "x"}),
        A({"SWAPDB", "0", "1"}), A({"MULTI"}), A({"PING"}), A({"EXEC"})}},
  };
}

std::vector<script> all_scripts() {
  std::vector<script> out;
  for (auto part : {connection_scripts(), introspection_scripts(), string_scripts(),
                    swapdb_scripts(), counter_scripts(), expiry_scripts(), string_edit_scripts(),
                    transaction_scripts(), function_scripts(), error_scripts(), protocol_scripts(),
                    auth_scripts(), bit_scripts(), keyspace_step_scripts()}) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

}  // namespace

const std::vector<std::string>& compared_command_names() {
  static const std::vector<std::string> names = {
      // strings
      "get", "set", "setnx", "getset", "getdel", "setex", "psetex", "getex", "mget", "mset",
      "msetnx", "strlen", "incr", "decr", "incrby", "decrby", "append", "getrange", "substr",
      "setrange", "incrbyfloat", "lcs",
      // bits
      "setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro",
      // expiry
      "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime",
      "persist",
      // keys
      "del", "unlink", "exists", "type", "keys", "scan", "dbsize", "flushdb", "rename", "renamenx",
      "copy", "randomkey", "touch", "move", "object", "object|encoding", "object|refcount",
      "object|idletime", "object|freq", "object|help", "swapdb",
      // connection
      "ping", "echo", "hello", "auth", "select", "quit", "reset", "client", "client|setname",
      "client|getname", "client|id", "client|info", "client|list", "client|help",
      // server
      "command", "command|count", "command|list", "command|info", "command|docs", "command|help",
      "command|getkeys", "command|getkeysandflags", "wait", "info", "config", "config|get",
      "config|set", "config|help", "flushall", "time",
      // scripting: the proxy's function library, always empty
      "function", "function|flush", "function|list", "function|help",
      // transactions
      "multi", "exec", "discard", "watch", "unwatch"};
  return names;
}

const std::vector<std::string>& commands_redis_lacks() {
  static const std::vector<std::string> names = {"client|setinfo"};
  return names;
}

const std::vector<script>& differential_scripts() {
  static const std::vector<script> scripts = all_scripts();
  return scripts;
}

}  // namespace atomkv::proxy_tests
