#include "support/test_backend.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "support/redis_server.hpp"

namespace atomkv::testing {

std::string resolve_backend(const std::string& spec) {
  if (spec != "redis-server") {
    return spec;
  }
  if (const char* external = std::getenv("ATOMKV_TEST_REDIS_URL"); external && *external) {
    return external;
  }
  // One server for the whole process, stopped (and its directory removed) at exit.
  static std::unique_ptr<redis_server> server = std::make_unique<redis_server>();
  if (!server->running()) {
    std::fprintf(stderr, "cannot start redis-server: %s\n", server->error().c_str());
    std::exit(2);
  }
  return server->url();
}

}  // namespace atomkv::testing
