#include "support/proxy_server.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#ifndef ATOMKV_PROXY_BINARY
#define ATOMKV_PROXY_BINARY ""
#endif

namespace atomkv::testing {

std::string proxy_server::binary() {
  if (const char* env = std::getenv("ATOMKV_PROXY_BINARY"); env && *env) {
    return env;
  }
  return ATOMKV_PROXY_BINARY;
}

proxy_server::proxy_server(proxy_server_options options) : options_(std::move(options)) {
  dir_ = make_temp_dir("atomkv-proxy");
  log_path_ = dir_.empty() ? std::string() : dir_ + "/proxy.log";
  // The free port may be taken by someone else between the probe and the bind: try again.
  for (int attempt = 0; attempt < 3 && !ready_; ++attempt) {
    ready_ = start();
  }
}

proxy_server::~proxy_server() {
  stop();
  remove_tree(dir_);
}

bool proxy_server::start() {
  if (binary().empty()) {
    error_ = "atomkv-proxy was not built (no binary path)";
    return false;
  }
  port_ = free_loopback_port();
  std::vector<std::string> argv = {binary(),    "--port",    std::to_string(port_), "--bind",
                                   "127.0.0.1", "--backend", options_.backend};
  if (options_.requirepass) {
    argv.push_back("--requirepass");
    argv.push_back(*options_.requirepass);
  }
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  if (!process_.start(argv, log_path_)) {
    error_ = process_.error();
    return false;
  }
  if (wait_until_ping(port_, process_, options_.ready_timeout, options_.requirepass)) {
    error_.clear();
    return true;
  }
  error_ = process_.running() ? "atomkv-proxy did not answer PING in time"
                              : "atomkv-proxy exited during start-up";
  error_ += "; its output:\n" + log();
  process_.stop(std::chrono::seconds(2));
  return false;
}

std::optional<int> proxy_server::stop(std::chrono::milliseconds grace, int sig) {
  ready_ = false;
  return process_.stop(grace, sig);
}

std::string proxy_server::log() const {
  std::ifstream in(log_path_);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace atomkv::testing
