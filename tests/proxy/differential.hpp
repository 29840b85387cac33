#pragma once
// The differential test's scripts: command sequences, possibly across two clients A and B, sent
// to a real redis-server and to the proxy; the replies must be the same bytes.

#include <cstdint>
#include <string>
#include <vector>

namespace atomkv::proxy_tests {

enum class compare_mode {
  exact,          // the reply bytes
  as_set,         // an array whose order Redis leaves unspecified (KEYS): compared sorted
  nested_sets,    // an array (EXEC's) whose inner arrays of bulk strings (KEYS, SCAN's keys)
                  // are compared sorted, at any depth; HELLO maps inside have the id masked
  scan_all,       // SCAN from cursor 0 to 0 with the step's extra args; the keys as a set
  hello,          // a HELLO reply with the connection id and the server version masked
  hello_version,  // a HELLO reply with only the connection id masked
  // COMMAND INFO / DOCS of a container (CLIENT, CONFIG, COMMAND): equal except the list of
  // subcommands, where Redis lists all of its own (in an order that changes with each process)
  // and the proxy only those it implements. Every subcommand the proxy lists must be one Redis
  // lists, with an identical entry (commands_redis_lacks() excepted).
  command_container,
  // COMMAND, or COMMAND INFO / DOCS without names: Redis lists all of its commands, the proxy
  // its own. Every command the proxy lists must be one Redis lists, with an identical entry
  // (containers as in command_container).
  command_listing,
  // COMMAND LIST FILTERBY: command names, as a set; the proxy lists exactly those of Redis's that
  // it implements (compared_command_names(), commands_redis_lacks()).
  command_names,
  drain,          // raw bytes, then everything until the server closes or goes quiet; and
                  // whether it closed
  command_drain,  // a command whose reply is followed by a close (QUIT)
  // Integers that depend on the clock (TTL, PTTL, EXPIRETIME, ...), at any depth: equal when
  // negative (-1 no deadline, -2 no key), else within step::tolerance of each other.
  close,
};

struct step {
  char client = 'A';
  std::vector<std::string> args;  // the command; for scan_all, the options after the cursor
  std::string raw;                // sent as is when not empty (inline commands, pipelines, junk)
  int replies = 1;                // replies expected after a raw send
  compare_mode mode = compare_mode::exact;
  bool reconnect = false;      // closes this client; its next step opens a new connection
  std::int64_t tolerance = 0;  // compare_mode::close
  int sleep_ms = 0;            // waits this long first (on each server); no command when no args
};

struct script {
  std::string name;
  std::vector<step> steps;
  // Run once per protocol with each client starting with HELLO 2 / HELLO 3; when false, run
  // once with the connection as it comes (RESP2, unauthenticated).
  bool both_protocols = true;
  // Both servers require the password "secret" (the admin connection authenticates).
  bool requirepass = false;
};

const std::vector<script>& differential_scripts();
// Those of SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO (a file of their own).
std::vector<script> bit_scripts();

// The commands and subcommands ("client|setname") whose COMMAND INFO and COMMAND DOCS replies the
// "command info and docs" script compares with redis-server's; and those the proxy implements but
// Redis 7.0 lacks (CLIENT SETINFO, from Redis 7.2), which it cannot compare.
const std::vector<std::string>& compared_command_names();
const std::vector<std::string>& commands_redis_lacks();

// Builders that keep the table readable.
step A(std::vector<std::string> args);
step B(std::vector<std::string> args);
step A_keys(std::vector<std::string> args);    // as_set
step A_nested(std::vector<std::string> args);  // nested_sets
step A_scan(std::vector<std::string> options);
step A_hello(std::vector<std::string> args);
step A_hello_version(std::vector<std::string> args);
step A_container(std::vector<std::string> args);  // command_container
step A_listing(std::vector<std::string> args);    // command_listing
step A_names(std::vector<std::string> args);      // command_names
step A_raw(std::string bytes, int replies = 1);
step A_drain(std::string bytes);
step A_quit();
step A_reconnect();
// A clock-dependent reply, compared within `tolerance` (ms or s, in the reply's unit).
step A_close(std::vector<std::string> args, std::int64_t tolerance);
// Waits `ms` on each server before the next step (a key's deadline passes meanwhile).
step wait_ms(int ms);

}  // namespace atomkv::proxy_tests
