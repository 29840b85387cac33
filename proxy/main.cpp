// atomkv-proxy: a Redis-protocol server over any atomkv backend.

#include <uv.h>

#include <algorithm>

#include <sys/resource.h>

#include <cstdio>
#include <string>

#include "atomkv/store.hpp"
#include "options.hpp"
#include "server.hpp"

namespace {

// Like redis-server: make room for maxclients sockets plus the server's own descriptors.
void raise_open_file_limit(std::size_t maxclients) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return;
  }
  rlim_t wanted = static_cast<rlim_t>(maxclients) + 64;
  if (limit.rlim_cur >= wanted) {
    return;
  }
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < wanted) {
    std::fprintf(stderr, "atomkv-proxy: open file limit %llu is below maxclients + 64\n",
                 static_cast<unsigned long long>(limit.rlim_cur));
  }
}

// The backend URL for a log line: a password in the user part or in a password= option shown as
// "***".
std::string without_password(const std::string& url) {
  std::string shown = url;
  const auto authority = shown.find("://");
  if (authority != std::string::npos) {
    const auto start = authority + 3;
    const auto end = shown.find_first_of("/?#", start);
    const auto at = shown.rfind('@', end == std::string::npos ? std::string::npos : end - 1);
    if (at != std::string::npos && at >= start) {
      const auto colon = shown.find(':', start);
      const auto from = colon != std::string::npos && colon < at ? colon + 1 : start;
      shown.replace(from, at - from, "***");
    }
  }
  for (auto option = shown.find("password=", shown.find('?')); option != std::string::npos;
       option = shown.find("password=", option + 1)) {
    if (shown[option - 1] != '?' && shown[option - 1] != '&') {
      continue;
    }
    const auto from = option + 9;
    const auto end = shown.find('&', from);
    shown.replace(from, (end == std::string::npos ? shown.size() : end) - from, "***");
  }
  return shown;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = atomkv::proxy::parse_options(argc, argv);
  if (parsed.show_help) {
    std::fputs(atomkv::proxy::usage().c_str(), stdout);
    return 0;
  }
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "atomkv-proxy: %s\n\n%s", parsed.error.c_str(),
                 atomkv::proxy::usage().c_str());
    return 2;
  }
  // Services start in any order: unless told to fail fast, a Redis not up yet is no reason to
  // exit. The message names the backend by its error (host:port), never by the URL, which may
  // hold a password.
  atomkv::connect_options how;
  how.reach_now = parsed.values.backend_fail_fast;
  auto store = atomkv::connect(parsed.values.backend, how);
  if (!store) {
    std::fprintf(stderr, "atomkv-proxy: cannot open backend: %s\n", store.error().message.c_str());
    return 1;
  }
  raise_open_file_limit(parsed.values.maxclients);
  // A client that vanishes mid-write must not kill the server.
  signal(SIGPIPE, SIG_IGN);

  uv_loop_t loop;
  uv_loop_init(&loop);
  int status = 0;
  {
    atomkv::proxy::server server(&loop, parsed.values, std::move(store).value());
    if (auto problem = server.start(); !problem.empty()) {
      std::fprintf(stderr, "atomkv-proxy: %s\n", problem.c_str());
      status = 1;
      server.shutdown();
    } else {
      std::fprintf(stderr, "atomkv-proxy: serving %s on %s:%u\n",
                   without_password(parsed.values.backend).c_str(), parsed.values.bind.c_str(),
                   parsed.values.port);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    // Close whatever is left (a shutdown deadline timer), then let the callbacks run.
    uv_walk(
        &loop,
        [](uv_handle_t* handle, void*) {
          if (!uv_is_closing(handle)) {
            uv_close(handle, nullptr);
          }
        },
        nullptr);
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  if (uv_loop_close(&loop) != 0) {
    std::fprintf(stderr, "atomkv-proxy: event loop still had open handles at exit\n");
    status = status == 0 ? 1 : status;
  }
  if (status == 0) {
    std::fprintf(stderr, "atomkv-proxy: shut down cleanly\n");
  }
  return status;
}
