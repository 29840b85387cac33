#pragma once
// Shared pieces of the Redis tests: one server for the tests that do not stop it, and short
// ways to connect and to name keys no other test uses.

#include <atomic>
#include <catch2/catch.hpp>
#include <string>

#include "atomkv/atomkv.hpp"
#include "support/redis_server.hpp"

namespace atomkv::redis_tests {

inline testing::redis_server& shared_server() {
  static testing::redis_server server;
  REQUIRE(server.running());
  return server;
}

inline atomkv::store connect_or_fail(const std::string& url) {
  auto connected = atomkv::connect(url);
  if (!connected) {
    FAIL("cannot connect to " << url << ": " << connected.error().message);
  }
  return std::move(connected).value();
}

inline atomkv::bucket open_or_fail(const atomkv::store& store, const std::string& name) {
  auto opened = store.open(name);
  REQUIRE(opened);
  return std::move(opened).value();
}

// A key name no other test on the shared server uses.
inline std::string fresh(const std::string& stem) {
  static std::atomic<int> counter{0};
  return "t:" + stem + ":" + std::to_string(counter++);
}

}  // namespace atomkv::redis_tests
