#pragma once
// atomkv-proxy's settings, from the command line (--name value), from a redis.conf-style file
// (--config FILE: "name value" lines) and, for the secrets, from the environment
// (ATOMKV_BACKEND, ATOMKV_REQUIREPASS). The command line wins over the file, as with
// redis-server, and the file over the environment. CONFIG SET changes those that can change
// while the proxy runs (setting::run_time).

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atomkv::proxy {

// One class of Redis's client-output-buffer-limit: bytes, 0 for none.
struct output_buffer_limit {
  std::size_t hard = 0;
  std::size_t soft = 0;
  std::uint64_t soft_seconds = 0;
};

struct options {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 6380;
  std::string backend = "memory://";
  std::string requirepass;  // empty: no password
  // Exit at start when a network backend cannot be reached; otherwise serve at once, and data
  // commands fail with the connect error until it can be (connects retried with backoff).
  bool backend_fail_fast = false;
  std::size_t maxclients = 10000;
  // Clients holding WATCHes at once; each may hold a connection of its own to the backend.
  std::size_t max_transaction_connections = 1000;
  std::uint64_t timeout = 0;   // idle seconds before a client is closed; 0: never
  std::size_t databases = 16;  // SELECT 0 .. databases-1
  // Bytes of unread replies after which a client is disconnected; 0: no limit, as in Redis.
  std::size_t client_output_buffer_limit = std::size_t{256} << 20;
  // What Redis's client-output-buffer-limit also says: the normal class's soft limit (shown,
  // not enforced) and the replica and pubsub classes (no such clients here; kept for CONFIG GET).
  output_buffer_limit normal_soft_limit{};
  output_buffer_limit replica_limit{std::size_t{256} << 20, std::size_t{64} << 20, 60};
  output_buffer_limit pubsub_limit{std::size_t{32} << 20, std::size_t{8} << 20, 60};
  // Bytes of input not yet run, with what MULTI queued, past which a client is closed
  // (client.hpp, held_input).
  std::size_t client_query_buffer_limit = std::size_t{1} << 30;
  std::size_t proto_max_bulk_len = std::size_t{512} << 20;
  // Resident bytes past which commands that may grow memory are refused with Redis's OOM error
  // (maxmemory-policy noeviction: the proxy evicts nothing); 0: no limit (memory_gauge.hpp).
  std::size_t maxmemory = 0;
  // Redis's min-replicas-to-write and min-replicas-max-lag. The proxy answers as a master without
  // replicas (WAIT): with both set, every write is refused with NOREPLICAS.
  std::size_t min_replicas_to_write = 0;
  std::size_t min_replicas_max_lag = 10;
  // Microseconds the loop keeps polling after a client's input before it sleeps (busy_poll.hpp);
  // 0 sleeps at once. parse_options sets 0 when the process may use a single CPU only.
  std::uint64_t busy_poll_us = 20;

  // In front of a Redis Cluster (redis+cluster://) the keyspace is database 0 alone, as on a
  // cluster node: SELECT, MOVE and COPY ... DB answer the node's errors for the others, and
  // FLUSHALL clears database 0 only. `databases` stays what CONFIG GET shows, as on the node.
  bool cluster_mode() const { return backend.starts_with("redis+cluster:"); }
  std::size_t databases_in_use() const { return cluster_mode() ? 1 : databases; }

  // The output limit to enforce: 0 ("no limit") as the largest size.
  std::size_t output_limit() const {
    return client_output_buffer_limit == 0 ? std::numeric_limits<std::size_t>::max()
                                           : client_output_buffer_limit;
  }
  // Descriptors the proxy may need at once: every client, every dedicated backend connection of
  // a transaction, and a margin for the listener, the backend's shared connections and files.
  std::size_t descriptors_needed() const { return maxclients + max_transaction_connections + 64; }

  // name/value pairs as CONFIG GET reports them.
  std::vector<std::pair<std::string, std::string>> as_config() const;
};

// A setting by name, as the config file, the command line and CONFIG SET know it.
struct setting {
  std::string_view name;
  bool run_time;  // CONFIG SET may change it
  // Sets it from text; Redis's reason when the text is refused ("argument couldn't be parsed
  // into an integer"), empty when fine.
  std::string (*set)(options& o, const std::string& value);
  std::string (*get)(const options& o);
};

// The setting called `name` (any case), or null.
const setting* find_setting(std::string_view name);

struct parsed_options {
  options values;
  bool show_help = false;
  std::string error;  // non-empty: the command line or config file is wrong
};

parsed_options parse_options(int argc, char** argv);
std::string usage();

// A count of bytes with Redis's suffixes (1k = 1000, 1kb = 1024, m, mb, g, gb; b for bytes),
// any case; nothing when it is not one or does not fit.
std::optional<std::size_t> parse_size(std::string_view text);

// The backend URL as it may be shown or logged: its password hidden (atomkv::redact_store_url).
std::string redact_backend(std::string_view url);

}  // namespace atomkv::proxy
