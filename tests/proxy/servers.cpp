#include "proxy/servers.hpp"

#include <csignal>

#include "support/child_process.hpp"
#include "support/proxy_server.hpp"
#include "support/redis_server.hpp"
#include "support/resp_client.hpp"
#include "support/test_backend.hpp"
#include "support/test_proxy.hpp"

namespace atomkv::proxy_tests {

namespace {

subject_kind g_subject = subject_kind::proxy;
std::string g_backend_spec = "memory://";

// The reference server comes from the shared redis_server harness; the settings it has no
// option for are applied with CONFIG SET, which Redis accepts at run time for all of them.
class redis_instance : public server {
 public:
  explicit redis_instance(const server_settings& s) : redis_({.requirepass = s.requirepass}) {
    if (!redis_.running()) {
      error_ = redis_.error();
      return;
    }
    std::vector<std::vector<std::string>> config;
    if (s.maxclients) {
      config.push_back({"maxclients", std::to_string(*s.maxclients)});
    }
    if (s.output_buffer_limit) {
      auto b = std::to_string(*s.output_buffer_limit);
      config.push_back({"client-output-buffer-limit", "normal " + b + " " + b + " 0"});
    }
    if (s.query_buffer_limit) {
      config.push_back({"client-query-buffer-limit", std::to_string(*s.query_buffer_limit)});
    }
    if (s.idle_timeout) {
      config.push_back({"timeout", std::to_string(*s.idle_timeout)});
    }
    if (config.empty()) {
      ready_ = true;
      return;
    }
    auto conn = testing::resp_connection::connect(redis_.port());
    if (!conn) {
      error_ = "cannot connect to redis-server";
      return;
    }
    if (s.requirepass && conn->call({"AUTH", *s.requirepass}).value_or("") != "+OK\r\n") {
      error_ = "AUTH failed";
      return;
    }
    for (auto& kv : config) {
      auto r = conn->call({"CONFIG", "SET", kv[0], kv[1]}).value_or("<no reply>");
      if (r != "+OK\r\n") {
        error_ = "CONFIG SET " + kv[0] + ": " + testing::escape_bytes(r);
        return;
      }
    }
    ready_ = true;
  }
  bool running() const override { return ready_ && redis_.running(); }
  const std::string& error() const override { return error_; }
  std::uint16_t port() const override { return redis_.port(); }
  std::string name() const override { return "redis-server"; }
  bool alive() override { return redis_.running(); }
  std::optional<std::size_t> resident_bytes() override {
    return testing::resident_bytes(redis_.pid());
  }
  std::optional<int> stop(std::chrono::milliseconds, int sig) override {
    if (sig == SIGKILL) {
      redis_.kill();
    } else {
      redis_.stop();
    }
    return std::nullopt;
  }

 private:
  testing::redis_server redis_;
  bool ready_ = false;
  std::string error_;
};

class proxy_instance : public server {
 public:
  explicit proxy_instance(const server_settings& s) : proxy_(options(s)) {
    if (proxy_.running() && g_backend_spec != "memory://") {
      start_empty(s);
    }
  }
  bool running() const override { return proxy_.running() && error_.empty(); }
  const std::string& error() const override { return error_.empty() ? proxy_.error() : error_; }
  std::uint16_t port() const override { return proxy_.port(); }
  std::string name() const override { return "atomkv-proxy"; }
  bool alive() override { return proxy_.alive(); }
  std::optional<std::size_t> resident_bytes() override {
    return testing::resident_bytes(proxy_.pid());
  }
  std::optional<std::string> backend_url() const override { return proxy_.backend(); }
  std::optional<int> stop(std::chrono::milliseconds grace, int sig) override {
    return proxy_.stop(grace, sig);
  }

 private:
  // A persistent backend keeps what the previous test's proxy wrote.
  void start_empty(const server_settings& s) {
    auto conn = testing::resp_connection::connect(proxy_.port());
    if (!conn) {
      error_ = "cannot connect to atomkv-proxy";
      return;
    }
    if (s.requirepass && conn->call({"AUTH", *s.requirepass}).value_or("") != "+OK\r\n") {
      error_ = "AUTH failed";
      return;
    }
    if (auto r = conn->call({"FLUSHALL"}).value_or("<no reply>"); r != "+OK\r\n") {
      error_ = "FLUSHALL: " + testing::escape_bytes(r);
    }
  }

  static testing::proxy_server_options options(const server_settings& s) {
    testing::proxy_server_options o;
    o.backend = testing::resolve_backend(g_backend_spec);
    o.requirepass = s.requirepass;
    if (s.maxclients) {
      o.extra_args.insert(o.extra_args.end(), {"--maxclients", std::to_string(*s.maxclients)});
    }
    if (s.output_buffer_limit) {
      o.extra_args.insert(o.extra_args.end(),
                          {"--client-output-buffer-limit", std::to_string(*s.output_buffer_limit)});
    }
    if (s.query_buffer_limit) {
      o.extra_args.insert(o.extra_args.end(),
                          {"--client-query-buffer-limit", std::to_string(*s.query_buffer_limit)});
    }
    if (s.idle_timeout) {
      o.extra_args.insert(o.extra_args.end(), {"--timeout", std::to_string(*s.idle_timeout)});
    }
    return o;
  }

  testing::proxy_server proxy_;
  std::string error_;
};

// A proxy someone else runs (a compose service, CI's integration step): used, never stopped.
class external_proxy_instance : public server {
 public:
  explicit external_proxy_instance(testing::proxy_endpoint where) : where_(std::move(where)) {
    auto conn = testing::resp_connection::connect(where_.host, where_.port);
    if (!conn) {
      error_ = "cannot connect to the proxy at " + endpoint();
      return;
    }
    auto r = conn->call({"FLUSHALL"}).value_or("<no reply>");
    if (r != "+OK\r\n") {
      error_ = "FLUSHALL on the proxy at " + endpoint() + ": " + testing::escape_bytes(r);
      return;
    }
    ready_ = true;
  }
  bool running() const override { return ready_; }
  const std::string& error() const override { return error_; }
  std::string host() const override { return where_.host; }
  std::uint16_t port() const override { return where_.port; }
  std::string name() const override { return "atomkv-proxy at " + endpoint(); }
  bool alive() override { return true; }  // not ours to watch: a dead one fails the next call
  std::optional<int> stop(std::chrono::milliseconds, int) override { return std::nullopt; }

 private:
  std::string endpoint() const { return where_.host + ":" + std::to_string(where_.port); }

  testing::proxy_endpoint where_;
  bool ready_ = false;
  std::string error_;
};

}  // namespace

void set_subject_kind(subject_kind kind) {
  g_subject = kind;
}
subject_kind current_subject_kind() {
  return g_subject;
}
bool subject_is_proxy() {
  return g_subject == subject_kind::proxy;
}
void set_subject_backend(const std::string& spec) {
  g_backend_spec = spec;
}
const std::string& subject_backend() {
  return g_backend_spec;
}

std::unique_ptr<server> start_reference(const server_settings& settings) {
  return std::make_unique<redis_instance>(settings);
}

std::unique_ptr<server> start_subject(const server_settings& settings) {
  if (g_subject == subject_kind::redis) {
    return std::make_unique<redis_instance>(settings);
  }
  return std::make_unique<proxy_instance>(settings);
}

std::unique_ptr<server> start_plain_subject() {
  if (g_subject == subject_kind::proxy) {
    if (auto where = testing::external_proxy()) {
      return std::make_unique<external_proxy_instance>(*where);
    }
  }
  return start_subject();
}

}  // namespace atomkv::proxy_tests
