// The proxy as a process: --help, --config, --maxclients, --timeout, and a clean exit on
// SIGTERM and SIGINT with clients connected.

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "proxy/servers.hpp"
#include "support/child_process.hpp"
#include "support/proxy_server.hpp"
#include "support/redis_server.hpp"
#include "support/resp_client.hpp"

namespace atomkv::proxy_tests {

namespace {

using testing::resp_connection;
using millis = std::chrono::milliseconds;

// User plus system CPU time of process `pid` so far, in clock ticks (-1 if unreadable).
long cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto after_name = stat.rfind(')');
  if (after_name == std::string::npos) {
    return -1;
  }
  std::istringstream fields(stat.substr(after_name + 2));
  std::string field;
  long utime = 0, stime = 0;
  // After the name: state is field 3 of the file; utime and stime are fields 14 and 15.
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) {
      utime = std::stol(field);
    } else if (number == 15) {
      stime = std::stol(field);
    }
  }
  return utime + stime;
}

// Resident memory of process `pid` in kB (VmRSS), -1 if unreadable.
long resident_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

std::unique_ptr<server> started(const server_settings& settings = {}) {
  auto s = start_subject(settings);
  INFO(s->error());
  REQUIRE(s->running());
  return s;
}

}  // namespace

TEST_CASE("--maxclients refuses the client over the limit with Redis's error", "[lifecycle]") {
  auto srv = started({.maxclients = 3});
  std::vector<resp_connection> held;
  for (int i = 0; i < 3; ++i) {
    auto c = resp_connection::connect(srv->port());
    REQUIRE(c);
    REQUIRE(c->call({"PING"}) == "+PONG\r\n");
    held.push_back(std::move(*c));
  }
  auto extra = resp_connection::connect(srv->port());
  REQUIRE(extra);
  auto d = extra->drain(millis(2000), millis(5000));
  CHECK(testing::escape_bytes(d.bytes) == "-ERR max number of clients reached\\r\\n");
  CHECK(d.closed);
  // A slot freed is a slot available again (give the server a moment to see the close).
  held.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    auto again = resp_connection::connect(srv->port());
    served = again && again->call({"PING"}, millis(1000)) == "+PONG\r\n";
    if (!served) {
      std::this_thread::sleep_for(millis(100));
    }
  }
  CHECK(served);
  CHECK(held[0].call({"PING"}) == "+PONG\r\n");
}

TEST_CASE("--timeout closes idle clients and keeps busy ones", "[lifecycle]") {
  auto srv = started({.idle_timeout = 1});
  auto idle = resp_connection::connect(srv->port());
  auto busy = resp_connection::connect(srv->port());
  REQUIRE(idle);
  REQUIRE(busy);
  REQUIRE(idle->call({"PING"}) == "+PONG\r\n");
  // Busy: a command every 200 ms for 3 s, never idle for a whole second.
  for (int i = 0; i < 15; ++i) {
    CHECK(busy->call({"PING"}) == "+PONG\r\n");
    std::this_thread::sleep_for(millis(200));
  }
  // Idle for 3 s by now; the server closes it within its timeout check period.
  auto d = idle->drain(millis(10000), millis(10000));
  CHECK(d.closed);
  CHECK(d.bytes.empty());
}

TEST_CASE("--help describes the options and exits 0", "[lifecycle]") {
  if (!subject_is_proxy()) {
    return;
  }
  int status = -1;
  std::string out = testing::run_capture({testing::proxy_server::binary(), "--help"}, "",
                                         std::chrono::seconds(10), &status);
  INFO(out);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  for (const char* option : {"--port", "--bind", "--backend", "--requirepass", "--maxclients",
                             "--timeout", "--config"}) {
    CHECK(out.find(option) != std::string::npos);
  }
}

TEST_CASE("a port in use or a bad address ends the proxy with an error, not an abort",
          "[lifecycle]") {
  if (!subject_is_proxy()) {
    return;
  }
  testing::proxy_server holder;
  INFO(holder.error());
  REQUIRE(holder.running());
  // stderr into stdout, through a shell, to read the reason.
  auto run = [](const std::string& args, int& status) {
    return testing::run_capture({"/bin/sh", "-c", testing::proxy_server::binary() + args + " 2>&1"},
                                "", std::chrono::seconds(10), &status);
  };
  int status = -1;
  std::string out = run(" --port " + std::to_string(holder.port()), status);
  INFO(out);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(out.find("address already in use") != std::string::npos);

  out = run(" --port " + std::to_string(holder.port()) + " --bind not-an-address", status);
  INFO(out);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(out.find("bad bind address 'not-an-address'") != std::string::npos);
  CHECK(holder.alive());
}

TEST_CASE("--config reads redis.conf-style settings", "[lifecycle]") {
  if (!subject_is_proxy()) {
    return;
  }
  std::string dir = testing::make_temp_dir("atomkv-proxy-config");
  REQUIRE(!dir.empty());
  std::string path = dir + "/proxy.conf";
  {
    std::ofstream conf(path);
    conf << "# a comment, then settings as in redis.conf\n"
         << "requirepass \"from file\"\n"
         << "\n"
         << "maxclients 2\n"
         << "backend memory://\n";
  }
  {
    testing::proxy_server proxy({.extra_args = {"--config", path}});
    INFO(proxy.error());
    REQUIRE(proxy.running());
    auto c = resp_connection::connect(proxy.port());
    REQUIRE(c);
    CHECK(c->call({"GET", "k"}) == "-NOAUTH Authentication required.\r\n");
    CHECK(c->call({"AUTH", "from file"}) == "+OK\r\n");
    CHECK(c->call({"CONFIG", "GET", "maxclients"}) == "*2\r\n$10\r\nmaxclients\r\n$1\r\n2\r\n");
    CHECK(c->call({"CONFIG", "GET", "backend"}) == "*2\r\n$7\r\nbackend\r\n$9\r\nmemory://\r\n");
  }
  testing::remove_tree(dir);
}

TEST_CASE("--busy-poll keeps the loop awake after input, then lets it sleep", "[lifecycle]") {
  if (!subject_is_proxy()) {
    return;
  }
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  SECTION("polling for its window after a command, then no CPU at all") {
    testing::proxy_server proxy({.extra_args = {"--busy-poll", "600000"}});
    INFO(proxy.error());
    REQUIRE(proxy.running());
    auto c = resp_connection::connect(proxy.port());
    REQUIRE(c);
    CHECK(c->call({"CONFIG", "GET", "busy-poll"}) == "*2\r\n$9\r\nbusy-poll\r\n$6\r\n600000\r\n");
    long before = cpu_ticks(proxy.pid());
    std::this_thread::sleep_for(millis(1000));
    long polling = cpu_ticks(proxy.pid()) - before;
    std::this_thread::sleep_for(millis(1000));
    long idle = cpu_ticks(proxy.pid()) - before - polling;
    INFO("CPU ticks: " << polling << " in the second after the command, " << idle
                       << " in the next; " << ticks_per_second << " per second");
    // The 0.6 s window is spent polling; once it has passed, an idle proxy sleeps: a loop left
    // polling would take a whole second. How much CPU the polling gets depends on the machine's
    // load, so it is compared with the idle second's, not with the window.
    CHECK(polling >= ticks_per_second / 20);
    CHECK(polling >= 4 * idle + 3);
    CHECK(idle <= ticks_per_second / 10);
  }
  SECTION("--busy-poll 0 sleeps as soon as nothing is ready") {
    testing::proxy_server proxy({.extra_args = {"--busy-poll", "0"}});
    INFO(proxy.error());
    REQUIRE(proxy.running());
    auto c = resp_connection::connect(proxy.port());
    REQUIRE(c);
    CHECK(c->call({"CONFIG", "GET", "busy-poll"}) == "*2\r\n$9\r\nbusy-poll\r\n$1\r\n0\r\n");
    long before = cpu_ticks(proxy.pid());
    for (int i = 0; i < 200; ++i) {
      REQUIRE(c->call({"PING"}) == "+PONG\r\n");
    }
    std::this_thread::sleep_for(millis(1000));
    CHECK(cpu_ticks(proxy.pid()) - before <= ticks_per_second / 10);
  }
}

TEST_CASE("SIGTERM and SIGINT shut the proxy down cleanly", "[lifecycle]") {
  if (!subject_is_proxy()) {
    return;
  }
  for (int sig : {SIGTERM, SIGINT}) {
    INFO("signal " << sig);
    testing::proxy_server proxy;
    INFO(proxy.error());
    REQUIRE(proxy.running());
    // Clients in every state: idle, mid-transaction, with half a request sent.
    auto idle = resp_connection::connect(proxy.port());
    auto in_multi = resp_connection::connect(proxy.port());
    auto partial = resp_connection::connect(proxy.port());
    REQUIRE((idle && in_multi && partial));
    REQUIRE(in_multi->call({"MULTI"}) == "+OK\r\n");
    REQUIRE(in_multi->call({"SET", "k", "v"}) == "+QUEUED\r\n");
    REQUIRE(partial->send("*2\r\n$3\r\nGET\r\n$1"));
    auto status = proxy.stop(std::chrono::seconds(10), sig);
    REQUIRE(status);
    INFO("log:\n" << proxy.log());
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
    CHECK(idle->drain(millis(2000), millis(5000)).closed);
  }
}

TEST_CASE("the backend's password shows neither in CONFIG GET nor on stderr", "[lifecycle]") {
  if (!subject_is_proxy()) {
    return;
  }
  testing::redis_server redis({.requirepass = "backend-secret-pw"});
  INFO(redis.error());
  REQUIRE(redis.running());
  const std::string url = redis.url();
  REQUIRE(url.find("backend-secret-pw") != std::string::npos);
  testing::proxy_server proxy({.backend = url});
  INFO(proxy.error());
  REQUIRE(proxy.running());
  auto c = resp_connection::connect(proxy.port());
  REQUIRE(c);
  auto backend = c->call({"CONFIG", "GET", "backend"});
  REQUIRE(backend);
  CHECK(backend->find("backend-secret-pw") == std::string::npos);
  CHECK(backend->find(redis.url(false).substr(std::string("redis://").size())) !=
        std::string::npos);
  CHECK(backend->find(":***@") != std::string::npos);
  auto all = c->call({"CONFIG", "GET", "*"});
  CHECK(all->find("backend-secret-pw") == std::string::npos);
  auto info = c->call({"INFO", "everything"});
  CHECK(info->find("backend-secret-pw") == std::string::npos);
  REQUIRE(proxy.stop());
  const std::string log = proxy.log();
  INFO(log);
  CHECK(log.find("serving redis://:***@") != std::string::npos);
  CHECK(log.find("backend-secret-pw") == std::string::npos);

  // Nor when the backend cannot be opened.
  int status = -1;
  std::string failed = testing::run_capture({"/bin/sh", "-c",
                                             testing::proxy_server::binary() + " --port " +
                                                 std::to_string(testing::free_loopback_port()) +
                                                 " --backend 'nosuch://u:other-secret@h/0' 2>&1"},
                                            "", std::chrono::seconds(10), &status);
  INFO(failed);
  CHECK(failed.find("cannot open backend nosuch://u:***@h/0") != std::string::npos);
  CHECK(failed.find("other-secret") == std::string::npos);
}

TEST_CASE("ATOMKV_BACKEND and ATOMKV_REQUIREPASS keep secrets off the command line",
          "[lifecycle]") {
  if (!subject_is_proxy()) {
    return;
  }
  testing::redis_server redis({.requirepass = "env-backend-pw"});
  INFO(redis.error());
  REQUIRE(redis.running());
  std::string dir = testing::make_temp_dir("atomkv-proxy-env");
  REQUIRE(!dir.empty());
  const auto port = testing::free_loopback_port();
  testing::child_process proxy;
  REQUIRE(proxy.start(
      {"/usr/bin/env", "ATOMKV_BACKEND=" + redis.url(), "ATOMKV_REQUIREPASS=env-client-pw",
       testing::proxy_server::binary(), "--port", std::to_string(port)},
      dir + "/proxy.log"));
  REQUIRE(testing::wait_until_ping(port, proxy, std::chrono::seconds(10),
                                   std::string("env-client-pw")));
  auto c = resp_connection::connect(port);
  REQUIRE(c);
  CHECK(c->call({"GET", "k"}) == "-NOAUTH Authentication required.\r\n");
  CHECK(c->call({"AUTH", "wrong"}) ==
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  CHECK(c->call({"AUTH", "env-client-pw"}) == "+OK\r\n");
  // The backend is the password'd Redis of the environment's URL.
  CHECK(c->call({"SET", "through-env", "1"}) == "+OK\r\n");
  CHECK(redis.cli("GET through-env").find("1") != std::string::npos);
  proxy.stop(std::chrono::seconds(5));
  testing::remove_tree(dir);
}

TEST_CASE("WATCH of an already-watched key keeps one watch", "[lifecycle]") {
  if (!subject_is_proxy()) {
    return;
  }
  // Before: each WATCH of the same key added one more watch, so that a client repeating it grew
  // the proxy by about 50 bytes a time (150 MB here). Now the key is watched once, as in Redis.
  for (std::string backend : {"memory://", "sqlite-temp"}) {
    INFO(backend);
    std::string dir;
    if (backend == "sqlite-temp") {
      dir = testing::make_temp_dir("atomkv-proxy-watch");
      backend = "sqlite://" + dir + "/watch.db";
    }
    testing::proxy_server proxy({.backend = backend});
    INFO(proxy.error());
    REQUIRE(proxy.running());
    auto c = resp_connection::connect(proxy.port());
    REQUIRE(c);
    std::vector<std::string> watch(100001, "k");
    watch[0] = "WATCH";
    const std::string request = testing::encode_command(watch);
    REQUIRE(c->call({"WATCH", "k"}) == "+OK\r\n");
    const long before = resident_kb(proxy.pid());
    for (int i = 0; i < 30; ++i) {
      REQUIRE(c->send(request));
      REQUIRE(c->read_reply(millis(30000)) == "+OK\r\n");
    }
    const long grown = resident_kb(proxy.pid()) - before;
    INFO("resident memory grew by " << grown << " kB after 3,000,000 watches of one key");
    if (testing::kResidentMemoryFollowsFrees) {
      CHECK(grown < 40 * 1024);
    }
    // Still one watched key that works.
    auto other = resp_connection::connect(proxy.port());
    REQUIRE(other);
    REQUIRE(other->call({"SET", "k", "changed"}) == "+OK\r\n");
    REQUIRE(c->call({"MULTI"}) == "+OK\r\n");
    REQUIRE(c->call({"SET", "k", "mine"}) == "+QUEUED\r\n");
    CHECK(c->call({"EXEC"}) == "*-1\r\n");
    proxy.stop();
    if (!dir.empty()) {
      testing::remove_tree(dir);
    }
  }
}

TEST_CASE("the open file limit makes room for clients and transaction connections", "[lifecycle]") {
  if (!subject_is_proxy()) {
    return;
  }
  std::string dir = testing::make_temp_dir("atomkv-proxy-nofile");
  REQUIRE(!dir.empty());
  const auto port = testing::free_loopback_port();
  testing::child_process proxy;
  // Started with a soft limit of 1024: 1000 clients and 500 transactions need 1564 descriptors.
  REQUIRE(proxy.start(
      {"/bin/sh", "-c",
       "ulimit -Sn 1024 && exec " + testing::proxy_server::binary() + " --port " +
           std::to_string(port) + " --maxclients 1000 --max-transaction-connections 500"},
      dir + "/proxy.log"));
  REQUIRE(testing::wait_until_ping(port, proxy, std::chrono::seconds(10)));
  std::ifstream limits("/proc/" + std::to_string(proxy.pid()) + "/limits");
  long soft = -1;
  for (std::string line; std::getline(limits, line);) {
    if (line.rfind("Max open files", 0) == 0) {
      soft = std::stol(line.substr(std::string("Max open files").size()));
    }
  }
  INFO("soft limit " << soft);
  CHECK(soft >= 1000 + 500 + 64);
  proxy.stop(std::chrono::seconds(5));
  testing::remove_tree(dir);
}

}  // namespace atomkv::proxy_tests
