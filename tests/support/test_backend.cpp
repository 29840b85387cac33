#include "support/test_backend.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "support/redis_cluster.hpp"
#include "support/redis_server.hpp"

namespace atomkv::testing {
namespace {

// "sqlite-temp": a fresh SQLite file in $TMPDIR (ctest points it into the build tree), removed
// with its WAL files when the process exits.
std::string fresh_sqlite_file() {
  namespace fs = std::filesystem;
  static const fs::path file = [] {
    const char* dir = std::getenv("TMPDIR");
    fs::path base = dir && *dir ? fs::path(dir) : fs::temp_directory_path();
    fs::create_directories(base);
    return base / ("atomkv-test-" + std::to_string(::getpid()) + ".db");
  }();
  static const auto remove_files = [] {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ignored;
      fs::remove(file.string() + suffix, ignored);
    }
  };
  remove_files();
  static const bool registered = std::atexit([] { remove_files(); }) == 0;
  (void)registered;
  return "sqlite://" + (file.is_absolute() ? "" : std::string("./")) + file.string();
}

// One server for the whole process, stopped (and its directory removed) at exit.
std::unique_ptr<redis_server>& shared_redis_server() {
  static std::unique_ptr<redis_server> server;
  return server;
}

std::unique_ptr<redis_cluster>& shared_redis_cluster() {
  static std::unique_ptr<redis_cluster> cluster;
  return cluster;
}

}  // namespace

std::string resolve_backend(const std::string& spec) {
  if (spec == "sqlite-temp") {
    return fresh_sqlite_file();
  }
  if (spec == "redis-cluster") {
    auto& cluster = shared_redis_cluster();
    if (!cluster) {
      cluster = std::make_unique<redis_cluster>(
          redis_cluster_options{.masters = 3, .replicas_per_master = 1});
    }
    if (!cluster->running()) {
      std::fprintf(stderr, "cannot start a redis cluster: %s\n", cluster->error().c_str());
      std::exit(2);
    }
    return cluster->url();
  }
  if (spec != "redis-server") {
    return spec;
  }
  if (const char* external = std::getenv("ATOMKV_TEST_REDIS_URL"); external && *external) {
    return external;
  }
  auto& server = shared_redis_server();
  if (!server) {
    server = std::make_unique<redis_server>();
  }
  if (!server->running()) {
    std::fprintf(stderr, "cannot start redis-server: %s\n", server->error().c_str());
    std::exit(2);
  }
  return server->url();
}

redis_cluster* backend_redis_cluster() {
  return shared_redis_cluster().get();
}

redis_server* backend_redis_server() {
  return shared_redis_server().get();
}

}  // namespace atomkv::testing
