#include "proxy/servers.hpp"

#include <csignal>

#include "support/child_process.hpp"
#include "support/proxy_server.hpp"

namespace atomkv::proxy_tests {

namespace {

subject_kind g_subject = subject_kind::proxy;

class redis_instance : public server {
 public:
  explicit redis_instance(const server_settings& s) {
    dir_ = testing::make_temp_dir("atomkv-redis");
    for (int attempt = 0; attempt < 3 && !ready_; ++attempt) {
      port_ = testing::free_loopback_port();
      std::vector<std::string> argv = {"redis-server", "--port",       std::to_string(port_),
                                       "--bind",       "127.0.0.1",    "--save",
                                       "",             "--appendonly", "no",
                                       "--daemonize",  "no",           "--dir",
                                       dir_};
      if (s.requirepass) {
        argv.insert(argv.end(), {"--requirepass", *s.requirepass});
      }
      if (s.maxclients) {
        argv.insert(argv.end(), {"--maxclients", std::to_string(*s.maxclients)});
      }
      if (s.output_buffer_limit) {
        auto b = std::to_string(*s.output_buffer_limit);
        argv.insert(argv.end(), {"--client-output-buffer-limit", "normal " + b + " " + b + " 0"});
      }
      if (s.query_buffer_limit) {
        argv.insert(argv.end(),
                    {"--client-query-buffer-limit", std::to_string(*s.query_buffer_limit)});
      }
      if (s.idle_timeout) {
        argv.insert(argv.end(), {"--timeout", std::to_string(*s.idle_timeout)});
      }
      if (!process_.start(argv, dir_ + "/redis.log")) {
        error_ = process_.error();
        continue;
      }
      ready_ = testing::wait_until_ping(port_, process_, std::chrono::seconds(10), s.requirepass);
      if (!ready_) {
        error_ = "redis-server did not answer PING";
        process_.stop(std::chrono::seconds(2));
      }
    }
  }
  ~redis_instance() override {
    process_.stop(std::chrono::seconds(5));
    testing::remove_tree(dir_);
  }
  bool running() const override { return ready_; }
  const std::string& error() const override { return error_; }
  std::uint16_t port() const override { return port_; }
  std::string name() const override { return "redis-server"; }
  bool alive() override { return process_.running(); }
  std::optional<int> stop(std::chrono::milliseconds grace, int sig) override {
    ready_ = false;
    return process_.stop(grace, sig);
  }

 private:
  std::string dir_;
  std::uint16_t port_ = 0;
  bool ready_ = false;
  testing::child_process process_;
  std::string error_;
};

class proxy_instance : public server {
 public:
  explicit proxy_instance(const server_settings& s) : proxy_(options(s)) {}
  bool running() const override { return proxy_.running(); }
  const std::string& error() const override { return proxy_.error(); }
  std::uint16_t port() const override { return proxy_.port(); }
  std::string name() const override { return "atomkv-proxy"; }
  bool alive() override { return proxy_.alive(); }
  std::optional<int> stop(std::chrono::milliseconds grace, int sig) override {
    return proxy_.stop(grace, sig);
  }

 private:
  static testing::proxy_server_options options(const server_settings& s) {
    testing::proxy_server_options o;
    o.requirepass = s.requirepass;
    if (s.maxclients) {
      o.extra_args.insert(o.extra_args.end(), {"--maxclients", std::to_string(*s.maxclients)});
    }
    if (s.output_buffer_limit) {
      o.extra_args.insert(o.extra_args.end(), {"--client-output-buffer-limit",
                                               std::to_string(*s.output_buffer_limit)});
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

std::unique_ptr<server> start_reference(const server_settings& settings) {
  return std::make_unique<redis_instance>(settings);
}

std::unique_ptr<server> start_subject(const server_settings& settings) {
  if (g_subject == subject_kind::redis) {
    return std::make_unique<redis_instance>(settings);
  }
  return std::make_unique<proxy_instance>(settings);
}

}  // namespace atomkv::proxy_tests
