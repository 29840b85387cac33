#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "busy_poll.hpp"
#include "options.hpp"

using atomkv::proxy::parse_options;

namespace {

atomkv::proxy::parsed_options parse(std::vector<std::string> words) {
  std::vector<char*> argv{const_cast<char*>("atomkv-proxy")};
  for (auto& w : words) {
    argv.push_back(w.data());
  }
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("proxy options have Redis-like defaults", "[proxy-options]") {
  auto parsed = parse({});
  REQUIRE(parsed.error.empty());
  CHECK(parsed.values.port == 6380);
  CHECK(parsed.values.bind == "127.0.0.1");
  CHECK(parsed.values.backend == "memory://");
  CHECK(parsed.values.requirepass.empty());
  CHECK(parsed.values.timeout == 0);
  // Polling after input pays only with a CPU free for the clients.
  CHECK(parsed.values.busy_poll_us == (atomkv::proxy::usable_cpus() > 1 ? 20u : 0u));
}

TEST_CASE("proxy options from the command line", "[proxy-options]") {
  auto parsed = parse({"--port", "7000", "--requirepass", "s3cret", "--maxclients", "5",
                       "--client-output-buffer-limit", "1mb", "--timeout", "30"});
  REQUIRE(parsed.error.empty());
  CHECK(parsed.values.port == 7000);
  CHECK(parsed.values.requirepass == "s3cret");
  CHECK(parsed.values.maxclients == 5);
  CHECK(parsed.values.client_output_buffer_limit == 1024 * 1024);
  CHECK(parsed.values.timeout == 30);
  CHECK(parse({"--help"}).show_help);
  CHECK(parse({"--busy-poll", "0"}).values.busy_poll_us == 0);
  CHECK(parse({"--busy-poll", "250"}).values.busy_poll_us == 250);
}

TEST_CASE("a config file is read first and the command line wins", "[proxy-options]") {
  std::string path = "proxy_options_test.conf";
  {
    std::ofstream conf(path);
    conf << "# comment\n\nport 7001\nrequirepass \"from file\"\nmaxclients 9\n";
  }
  auto parsed = parse({"--config", path, "--maxclients", "11"});
  std::remove(path.c_str());
  REQUIRE(parsed.error.empty());
  CHECK(parsed.values.port == 7001);
  CHECK(parsed.values.requirepass == "from file");
  CHECK(parsed.values.maxclients == 11);
}

TEST_CASE("bad proxy options are reported, not guessed", "[proxy-options]") {
  CHECK_FALSE(parse({"--port", "0"}).error.empty());
  CHECK_FALSE(parse({"--port", "70000"}).error.empty());
  CHECK_FALSE(parse({"--nosuch", "1"}).error.empty());
  CHECK_FALSE(parse({"--port"}).error.empty());
  CHECK_FALSE(parse({"--client-output-buffer-limit", "lots"}).error.empty());
  CHECK_FALSE(parse({"--busy-poll", "-1"}).error.empty());
  CHECK_FALSE(parse({"--busy-poll", "2000000"}).error.empty());  // over a second is a mistake
  CHECK_FALSE(parse({"--config", "/nonexistent/atomkv.conf"}).error.empty());
}

TEST_CASE("a cgroup CPU quota counts as the CPUs the proxy may use", "[proxy-options]") {
  using atomkv::proxy::cpus_of_cgroup_quota;
  char pattern[] = "/tmp/atomkv-cgroup-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const std::string root = pattern;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(root + "/" + name) << text;
  };
  CHECK(cpus_of_cgroup_quota(root) == 0);  // no files: no quota

  REQUIRE(mkdir((root + "/cpu").c_str(), 0700) == 0);  // cgroup v1
  write("cpu/cpu.cfs_quota_us", "-1\n");
  write("cpu/cpu.cfs_period_us", "100000\n");
  CHECK(cpus_of_cgroup_quota(root) == 0);
  write("cpu/cpu.cfs_quota_us", "400000\n");
  CHECK(cpus_of_cgroup_quota(root) == 4);

  write("cpu.max", "max 100000\n");  // cgroup v2 wins when present
  CHECK(cpus_of_cgroup_quota(root) == 0);
  write("cpu.max", "150000 100000\n");  // docker run --cpus=1.5: one whole CPU
  CHECK(cpus_of_cgroup_quota(root) == 1);

  for (const char* name : {"cpu.max", "cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us", "cpu"}) {
    std::remove((root + "/" + name).c_str());
  }
  std::remove(root.c_str());
}
