#pragma once
// The two servers the proxy tests talk to: the reference (a real redis-server 7) and the subject
// (atomkv-proxy, on memory:// unless --backend says otherwise). With --subject redis the subject is
// a second redis-server, which checks the harness itself: every test must pass trivially then.
// Tests of ordinary client behaviour may get an already running proxy instead
// (start_plain_subject).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace atomkv::proxy_tests {

// Settings both kinds of server understand; each maps them to its own options.
struct server_settings {
  std::optional<std::string> requirepass;
  std::optional<int> maxclients;
  // Bytes of pending replies after which a client is disconnected.
  // Proxy: --client-output-buffer-limit BYTES. Redis: client-output-buffer-limit normal B B 0.
  std::optional<long long> output_buffer_limit;
  // Bytes of unparsed request after which a client is disconnected.
  // Proxy: --client-query-buffer-limit BYTES. Redis: client-query-buffer-limit (at least 1mb).
  std::optional<long long> query_buffer_limit;
  // Idle seconds before a client is closed. Proxy: --timeout. Redis: timeout.
  std::optional<int> idle_timeout;
};

class server {
 public:
  virtual ~server() = default;
  virtual bool running() const = 0;
  virtual const std::string& error() const = 0;
  // Where clients connect: loopback for the servers the tests start.
  virtual std::string host() const { return "127.0.0.1"; }
  virtual std::uint16_t port() const = 0;
  virtual std::string name() const = 0;
  // Whether the process is still alive (a crash shows here).
  virtual bool alive() = 0;
  // The server's resident memory (VmRSS), in bytes; nullopt when it is not a child of the tests.
  virtual std::optional<std::size_t> resident_bytes() { return std::nullopt; }
  // The store URL behind a proxy the tests started; nullopt for any other server.
  virtual std::optional<std::string> backend_url() const { return std::nullopt; }
  // SIGTERM/SIGINT, then SIGKILL after the grace time; returns the wait status.
  virtual std::optional<int> stop(std::chrono::milliseconds grace, int sig) = 0;
};

enum class subject_kind { proxy, redis };

// Chosen once from the command line (--subject proxy|redis).
void set_subject_kind(subject_kind kind);
subject_kind current_subject_kind();
bool subject_is_proxy();
// The proxy's backend, as a test_backend spec ("memory://", "redis-server", "sqlite-temp", ...).
// Every proxy the tests start begins with an empty keyspace, whatever the backend.
void set_subject_backend(const std::string& spec);
const std::string& subject_backend();

std::unique_ptr<server> start_reference(const server_settings& settings = {});
std::unique_ptr<server> start_subject(const server_settings& settings = {});
// The subject with default settings, for tests that need nothing special from it: the proxy at
// $ATOMKV_TEST_PROXY_URL when that is set (with --subject proxy), emptied with FLUSHALL so that
// the test starts as on a new proxy; else start_subject(). Such a test must not stop it.
std::unique_ptr<server> start_plain_subject();

}  // namespace atomkv::proxy_tests
