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

  // The keys share a hash tag, so that a cluster serves MGET and DEL of several in one slot.
  std::vector<invocation> invocations = {
      {{"PING"}},
      {{"SET", "{t}k", "v"}},
      {{"GET", "{t}k"}},
      {{"GET", "{t}missing"}},
      {{"INCR", "{t}n"}},
      {{"INCRBY", "{t}n", "10"}},
      {{"MGET", "{t}k", "{t}n", "{t}x"}},
      {{"EXISTS", "{t}k", "{t}k"}},
      {{"FOO", "bar"}},
      {{"GET"}},
      {{"INCR", "{t}k"}},
      {{"--no-raw", "GET", "{t}missing"}},
      {{"--no-raw", "GET", "{t}k"}},
      {{"--no-raw", "MGET", "{t}k", "{t}x"}},
      {{"--no-raw", "INCR", "{t}n"}},
      {{"--no-raw", "FOO"}},
      {{"--no-raw", "CONFIG", "GET", "maxclients"}},
      {{"-3", "GET", "{t}missing"}},
      {{"-3", "--no-raw", "GET", "{t}missing"}},
      {{"-3", "--no-raw", "MGET", "{t}k", "{t}x"}},
      {{"-3", "--no-raw", "CONFIG", "GET", "maxclients"}},
      {{"-3", "--no-raw", "EXISTS", "{t}k"}},
      {{}, "MULTI\nSET {t}a 1\nINCR {t}a\nGET {t}a\nEXEC\n"},
      {{"--no-raw"}, "MULTI\nSET {t}a 1\nINCR {t}a\nNOSUCH\nEXEC\n"},
      {{}, "WATCH {t}a\nMULTI\nGET {t}a\nEXEC\nEXEC\nDISCARD\n"},
      {{"-3", "--no-raw"}, "WATCH {t}a\nSET {t}a 5\nMULTI\nGET {t}a\nEXEC\n"},
      {{"-r", "3", "INCR", "{t}n"}},
      {{"-n", "0", "GET", "{t}k"}},
      {{"--pipe"}, mass_insert(1000)},
      {{"DBSIZE"}},
      {{"KEYS", "mass:99*"}, "", true},
      {{"--scan", "--pattern", "mass:1?"}, "", true},
      {{"DEL", "{t}k", "{t}n", "{t}a"}},
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
