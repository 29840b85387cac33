// redis-py from Debian (python3-redis 4.3.4, RESP2) against the proxy: basic commands and a
// watched pipeline transaction retried from several threads (redis_py_check.py).

#include <string>

#include <catch2/catch.hpp>

#include "proxy/servers.hpp"
#include "support/child_process.hpp"

namespace atomkv::proxy_tests {

namespace {

// Debian's interpreter, which has python3-redis; a python3 earlier in PATH may not.
constexpr const char* kPython = "/usr/bin/python3";

}  // namespace

TEST_CASE("redis-py runs basic commands and a watched pipeline", "[redis-py]") {
  int status = -1;
  std::string probe =
      testing::run_capture({kPython, "-c", "import redis; print(redis.__version__)"}, "",
                           std::chrono::seconds(30), &status);
  // The README's test command installs python3-redis: without it this test fails, not passes.
  INFO(kPython << " cannot import redis (install python3-redis): " << probe);
  REQUIRE(status == 0);
  auto srv = start_plain_subject();
  INFO(srv->error());
  REQUIRE(srv->running());
  std::string script = std::string(ATOMKV_PROXY_TESTS_DIR) + "/redis_py_check.py";
  std::string out =
      testing::run_capture({kPython, script, srv->host(), std::to_string(srv->port())}, "",
                           std::chrono::seconds(120), &status);
  INFO("redis-py " << probe << "output:\n" << out);
  CHECK(status == 0);
  CHECK(out.find("OK") != std::string::npos);
}

}  // namespace atomkv::proxy_tests
