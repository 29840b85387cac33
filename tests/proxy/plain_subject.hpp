#pragma once
// The subject with default settings (start_plain_subject) for a test case that needs nothing
// special from it: the test stops at once when it is not running.

#include <catch2/catch.hpp>
#include <memory>

#include "proxy/servers.hpp"

namespace atomkv::proxy_tests {

inline std::unique_ptr<server> running_plain_subject() {
  auto s = start_plain_subject();
  INFO(s->error());
  REQUIRE(s->running());
  return s;
}

}  // namespace atomkv::proxy_tests
