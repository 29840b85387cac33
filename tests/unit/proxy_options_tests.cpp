#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "cpu_budget.hpp"
#include "options.hpp"
#include "secret.hpp"

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
  const std::string v2_self = "0::/app.slice/atomkv.service\n";
  const std::string v1_self = "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n1:name=systemd:/\n";
  const std::string v1_dirs[] = {"cpu", "cpu/docker", "cpu/docker/abc"};
  const std::string v2_dirs[] = {"app.slice", "app.slice/atomkv.service"};

  CHECK(cpus_of_cgroup_quota(root, v2_self) == 0);  // no files: no quota
  CHECK(cpus_of_cgroup_quota(root, "") == 0);

  // cgroup v2: the process's own cgroup, a parent's limit, the smallest of them, under one CPU.
  for (const auto& dir : v2_dirs) {
    REQUIRE(mkdir((root + "/" + dir).c_str(), 0700) == 0);
  }
  write("cpu.max", "max 100000\n");
  write("app.slice/atomkv.service/cpu.max", "max 100000\n");
  CHECK(cpus_of_cgroup_quota(root, v2_self) == 0);
  write("app.slice/atomkv.service/cpu.max", "150000 100000\n");  // CPUQuota=150%
  CHECK(cpus_of_cgroup_quota(root, v2_self) == 1);
  write("app.slice/atomkv.service/cpu.max", "max 100000\n");
  write("app.slice/cpu.max", "400000 100000\n");  // set on the parent
  CHECK(cpus_of_cgroup_quota(root, v2_self) == 4);
  write("app.slice/atomkv.service/cpu.max", "300000 100000\n");
  CHECK(cpus_of_cgroup_quota(root, v2_self) == 3);
  write("app.slice/atomkv.service/cpu.max", "50000 100000\n");  // --cpus=0.5: still one CPU
  CHECK(cpus_of_cgroup_quota(root, v2_self) == 1);

  // cgroup v1, the cpu controller's hierarchy; a container sees its own cgroup at the mount.
  for (const auto& dir : v1_dirs) {
    REQUIRE(mkdir((root + "/" + dir).c_str(), 0700) == 0);
  }
  write("cpu/cpu.cfs_quota_us", "-1\n");
  write("cpu/cpu.cfs_period_us", "100000\n");
  CHECK(cpus_of_cgroup_quota(root, v1_self) == 0);
  write("cpu/cpu.cfs_quota_us", "200000\n");
  CHECK(cpus_of_cgroup_quota(root, v1_self) == 2);
  write("cpu/docker/abc/cpu.cfs_quota_us", "100000\n");
  write("cpu/docker/abc/cpu.cfs_period_us", "100000\n");
  CHECK(cpus_of_cgroup_quota(root, v1_self) == 1);
  CHECK(cpus_of_cgroup_quota(root, "3:cpu,cpuacct:/elsewhere\n") == 2);  // walks up to the mount

  std::filesystem::remove_all(root);
}

TEST_CASE("sizes take Redis's suffixes and refuse what does not fit", "[proxy-options]") {
  using atomkv::proxy::parse_size;
  CHECK(parse_size("0") == 0u);
  CHECK(parse_size("100") == 100u);
  CHECK(parse_size("100b") == 100u);
  CHECK(parse_size("1k") == 1000u);
  CHECK(parse_size("1KB") == 1024u);
  CHECK(parse_size("3mb") == 3u << 20);
  CHECK(parse_size("2g") == 2000000000u);
  CHECK(parse_size("16gb") == std::size_t{16} << 30);
  CHECK_FALSE(parse_size("20000000000gb"));  // wrapped around to a huge number before
  CHECK_FALSE(parse_size("18446744073709551616"));
  CHECK_FALSE(parse_size("-1"));
  CHECK_FALSE(parse_size("gb"));
  CHECK_FALSE(parse_size("1 gb"));
  CHECK_FALSE(parse({"--client-output-buffer-limit", "20000000000gb"}).error.empty());
  CHECK_FALSE(parse({"--client-query-buffer-limit", "20000000000gb"}).error.empty());
}

TEST_CASE("client-output-buffer-limit 0 is no limit, and Redis's form is read", "[proxy-options]") {
  auto none = parse({"--client-output-buffer-limit", "0"});
  REQUIRE(none.error.empty());
  CHECK(none.values.client_output_buffer_limit == 0);
  CHECK(none.values.output_limit() == std::numeric_limits<std::size_t>::max());

  auto redis_form = parse({"--client-output-buffer-limit", "normal 1mb 512kb 10 pubsub 1 2 3"});
  REQUIRE(redis_form.error.empty());
  CHECK(redis_form.values.output_limit() == 1u << 20);
  CHECK(redis_form.values.normal_soft_limit.soft == 512u << 10);
  CHECK(redis_form.values.pubsub_limit.hard == 1u);
  const auto* setting = atomkv::proxy::find_setting("CLIENT-OUTPUT-BUFFER-LIMIT");
  REQUIRE(setting != nullptr);
  CHECK(setting->get(redis_form.values) ==
        "normal 1048576 524288 10 slave 268435456 67108864 60 pubsub 1 2 3");

  atomkv::proxy::options o;
  CHECK(setting->set(o, "normal 1mb") ==
        "Wrong number of arguments in buffer limit configuration.");
  CHECK(setting->set(o, "master 1 1 1") ==
        "Invalid client class specified in buffer limit configuration.");
  CHECK(setting->set(o, "normal x 0 0") ==
        "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  CHECK(setting->set(o, "normal 1k 0 -1") ==
        "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  CHECK(o.client_output_buffer_limit == std::size_t{256} << 20);  // unchanged by the failures
}

TEST_CASE("settings refuse bad values in Redis's words", "[proxy-options]") {
  using atomkv::proxy::find_setting;
  atomkv::proxy::options o;
  CHECK(find_setting("timeout")->set(o, "abc") == "argument couldn't be parsed into an integer");
  CHECK(find_setting("timeout")->set(o, "-1") ==
        "argument must be between 0 and 2147483647 inclusive");
  CHECK(find_setting("maxclients")->set(o, "0") ==
        "argument must be between 1 and 4294967295 inclusive");
  CHECK(find_setting("timeout")->set(o, "007") == "argument couldn't be parsed into an integer");
  CHECK(find_setting("timeout")->set(o, "7").empty());
  CHECK(o.timeout == 7);
  CHECK(find_setting("nosuch") == nullptr);
  CHECK(find_setting("databases")->run_time == false);
  CHECK(find_setting("requirepass")->run_time);
}

TEST_CASE("the transaction connections are capped and counted in the descriptor limit",
          "[proxy-options]") {
  auto parsed = parse({"--max-transaction-connections", "50", "--maxclients", "100"});
  REQUIRE(parsed.error.empty());
  CHECK(parsed.values.max_transaction_connections == 50);
  CHECK(parsed.values.descriptors_needed() == 100 + 50 + 64);
  CHECK(parse({}).values.max_transaction_connections == 1000);
  CHECK_FALSE(parse({"--max-transaction-connections", "0"}).error.empty());
}

TEST_CASE("the backend and requirepass may come from the environment", "[proxy-options]") {
  setenv("ATOMKV_BACKEND", "redis://:envsecret@127.0.0.1:1/0", 1);
  setenv("ATOMKV_REQUIREPASS", "fromenv", 1);
  auto from_env = parse({});
  CHECK(from_env.values.backend == "redis://:envsecret@127.0.0.1:1/0");
  CHECK(from_env.values.requirepass == "fromenv");
  // The command line wins, then the config file, then the environment.
  auto overridden = parse({"--requirepass", "fromflag"});
  CHECK(overridden.values.requirepass == "fromflag");
  std::string path = "proxy_options_env_test.conf";
  std::ofstream(path) << "requirepass fromfile\n";
  CHECK(parse({"--config", path}).values.requirepass == "fromfile");
  std::remove(path.c_str());
  unsetenv("ATOMKV_BACKEND");
  unsetenv("ATOMKV_REQUIREPASS");
  CHECK(parse({}).values.requirepass.empty());
  // CONFIG GET shows the backend without its password.
  for (const auto& [name, value] : from_env.values.as_config()) {
    if (name == "backend") {
      CHECK(value == "redis://:***@127.0.0.1:1/0");
    }
  }
}

TEST_CASE("passwords compare equal only when they are", "[proxy-options]") {
  using atomkv::proxy::same_secret;
  CHECK(same_secret("secret", "secret"));
  CHECK(same_secret("", ""));
  CHECK_FALSE(same_secret("secret", "secreT"));
  CHECK_FALSE(same_secret("secret", "secret2"));
  CHECK_FALSE(same_secret("secret2", "secret"));
  CHECK_FALSE(same_secret("", "x"));
  CHECK_FALSE(same_secret(std::string("a\0b", 3), "a"));
}
