// atomkv-proxy: a Redis-protocol server over any atomkv backend.

#include <uv.h>

#include <cstdio>

#include "atomkv/store.hpp"
#include "options.hpp"
#include "server.hpp"

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
  // exit (data commands fail with the connect error until it is reachable).
  atomkv::connect_options how;
  how.reach_now = parsed.values.backend_fail_fast;
  auto store = atomkv::connect(parsed.values.backend, how);
  if (!store) {
    std::fprintf(stderr, "atomkv-proxy: cannot open backend %s: %s\n",
                 atomkv::proxy::redact_backend(parsed.values.backend).c_str(),
                 store.error().message.c_str());
    return 1;
  }
  if (auto short_of = atomkv::proxy::raise_open_file_limit(parsed.values.descriptors_needed());
      !short_of.empty()) {
    std::fprintf(stderr, "atomkv-proxy: %s\n", short_of.c_str());
  }
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
                   atomkv::proxy::redact_backend(parsed.values.backend).c_str(),
                   parsed.values.bind.c_str(), parsed.values.port);
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
