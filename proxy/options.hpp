#pragma once
// atomkv-proxy's settings, from the command line (--name value) and from a redis.conf-style file
// (--config FILE: "name value" lines). The command line wins over the file, as with redis-server.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace atomkv::proxy {

struct options {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 6380;
  std::string backend = "memory://";
  std::string requirepass;  // empty: no password
  std::size_t maxclients = 10000;
  std::uint64_t timeout = 0;   // idle seconds before a client is closed; 0: never
  std::size_t databases = 16;  // SELECT 0 .. databases-1
  // Bytes a client may hold (client.hpp, held_output and held_input); past them it is closed.
  std::size_t client_output_buffer_limit = std::size_t{256} << 20;
  std::size_t client_query_buffer_limit = std::size_t{1} << 30;
  std::size_t proto_max_bulk_len = std::size_t{512} << 20;
  // Microseconds the loop keeps polling after a client's input before it sleeps (busy_poll.hpp);
  // 0 sleeps at once. parse_options sets 0 when the process may use a single CPU only.
  std::uint64_t busy_poll_us = 20;

  // name/value pairs as CONFIG GET reports them.
  std::vector<std::pair<std::string, std::string>> as_config() const;
};

struct parsed_options {
  options values;
  bool show_help = false;
  std::string error;  // non-empty: the command line or config file is wrong
};

parsed_options parse_options(int argc, char** argv);
std::string usage();

}  // namespace atomkv::proxy
