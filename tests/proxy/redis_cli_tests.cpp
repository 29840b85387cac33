// redis-cli against the proxy: the same invocations against a redis-server and the proxy print
// the same output (raw and formatted, RESP2 and RESP3, commands from stdin, --pipe, --scan).

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "proxy/servers.hpp"
#include "support/child_process.hpp"
#include "support/resp_client.hpp"

namespace atomkv::proxy_tests {

namespace {

constexpr const char* kRedisCli = "/usr/bin/redis-cli";

struct invocation {
  std::vector<std::string> args;
  std::string input;
  bool sort_lines = false;  // KEYS and --scan print keys in an unspecified order
};

std::string run_cli(const server& srv, const invocation& inv) {
  std::vector<std::string> argv = {kRedisCli, "-h", srv.host(), "-p", std::to_string(srv.port())};
  argv.insert(argv.end(), inv.args.begin(), inv.args.end());
  int status = -1;
  std::string out = testing::run_capture(argv, inv.input, std::chrono::seconds(20), &status);
  if (inv.sort_lines) {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
    }
    std::sort(lines.begin(), lines.end());
    out.clear();
    for (auto& l : lines) {
      out += l + "\n";
    }
  }
  return out + "[exit " + std::to_string(status) + "]";
}

std::string describe(const invocation& inv) {
  std::string out = "redis-cli";
  for (auto& a : inv.args) {
    out += " " + a;
  }
  if (!inv.input.empty()) {
    out += " < \"" + testing::escape_bytes(inv.input.substr(0, 60)) + "\"";
  }
  return out;
}

std::string mass_insert(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += testing::encode_command({"SET", "mass:" + std::to_string(i), std::to_string(i)});
  }
  return out;
}

}  // namespace

TEST_CASE("redis-cli prints the same output as against redis-server", "[redis-cli]") {
  auto ref = start_reference();
  auto sub = start_plain_subject();
  REQUIRE(ref->running());
  INFO(sub->error());
  REQUIRE(sub->running());

  std::vector<invocation> invocations = {
      {{"PING"}},
      {{"SET", "k", "v"}},
      {{"GET", "k"}},
      {{"GET", "missing"}},
      {{"INCR", "n"}},
      {{"INCRBY", "n", "10"}},
      {{"MGET", "k", "n", "x"}},
      {{"EXISTS", "k", "k"}},
      {{"FOO", "bar"}},
      {{"GET"}},
      {{"INCR", "k"}},
      {{"--no-raw", "GET", "missing"}},
      {{"--no-raw", "GET", "k"}},
      {{"--no-raw", "MGET", "k", "x"}},
      {{"--no-raw", "INCR", "n"}},
      {{"--no-raw", "FOO"}},
      {{"--no-raw", "CONFIG", "GET", "maxclients"}},
      {{"-3", "GET", "missing"}},
      {{"-3", "--no-raw", "GET", "missing"}},
      {{"-3", "--no-raw", "MGET", "k", "x"}},
      {{"-3", "--no-raw", "CONFIG", "GET", "maxclients"}},
      {{"-3", "--no-raw", "EXISTS", "k"}},
      {{}, "MULTI\nSET a 1\nINCR a\nGET a\nEXEC\n"},
      {{"--no-raw"}, "MULTI\nSET a 1\nINCR a\nNOSUCH\nEXEC\n"},
      {{}, "WATCH a\nMULTI\nGET a\nEXEC\nEXEC\nDISCARD\n"},
      {{"-3", "--no-raw"}, "WATCH a\nSET a 5\nMULTI\nGET a\nEXEC\n"},
      {{"-r", "3", "INCR", "n"}},
      {{"-n", "0", "GET", "k"}},
      {{"--pipe"}, mass_insert(1000)},
      {{"DBSIZE"}},
      {{"KEYS", "mass:99*"}, "", true},
      {{"--scan", "--pattern", "mass:1?"}, "", true},
      {{"DEL", "k", "n", "a"}},
      {{"FLUSHALL"}},
      {{"DBSIZE"}},
  };
  for (const auto& inv : invocations) {
    std::string expected = run_cli(*ref, inv);
    std::string actual = run_cli(*sub, inv);
    if (expected != actual) {
      FAIL_CHECK(describe(inv) << "\n  against redis-server: " << testing::escape_bytes(expected)
                               << "\n  against " << sub->name() << ": "
                               << testing::escape_bytes(actual));
    }
  }
}

TEST_CASE("redis-cli with a password", "[redis-cli]") {
  auto ref = start_reference({.requirepass = "pw"});
  auto sub = start_subject({.requirepass = "pw"});
  REQUIRE(ref->running());
  INFO(sub->error());
  REQUIRE(sub->running());
  std::vector<invocation> invocations = {
      {{"GET", "k"}},
      {{"-a", "wrong", "--no-auth-warning", "GET", "k"}},
      {{"-a", "pw", "--no-auth-warning", "SET", "k", "v"}},
      {{"--user", "default", "--pass", "pw", "--no-auth-warning", "GET", "k"}},
      {{"-3", "-a", "pw", "--no-auth-warning", "--no-raw", "GET", "k"}},
  };
  for (const auto& inv : invocations) {
    std::string expected = run_cli(*ref, inv);
    std::string actual = run_cli(*sub, inv);
    if (expected != actual) {
      FAIL_CHECK(describe(inv) << "\n  against redis-server: " << testing::escape_bytes(expected)
                               << "\n  against " << sub->name() << ": "
                               << testing::escape_bytes(actual));
    }
  }
  CHECK(run_cli(*sub, {{"-a", "pw", "--no-auth-warning", "GET", "k"}}) == "v\n[exit 0]");
}

}  // namespace atomkv::proxy_tests
