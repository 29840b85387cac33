#include "reachability_probe.hpp"

#include <netdb.h>

#include <utility>

namespace atomkv::redis {

// Freed when both handles have closed and the probe object has let go of it.
struct reachability_probe::attempt {
  uv_tcp_t tcp{};
  uv_pipe_t pipe{};
  bool over_pipe = false;
  uv_connect_t request{};
  uv_timer_t deadline{};
  std::uint64_t timeout_ms = 0;
  int references = 0;  // open handles + the probe object
  verdict_fn verdict;
  // Set when the connect could not even start: reported by the zero-delay deadline.
  std::optional<std::string> failed_to_start;

  uv_handle_t* stream() {
    return over_pipe ? reinterpret_cast<uv_handle_t*>(&pipe) : reinterpret_cast<uv_handle_t*>(&tcp);
  }

  void release() {
    if (--references == 0) {
      delete this;
    }
  }

  // Reports once, then closes both handles.
  void conclude(std::optional<std::string> unreachable) {
    if (auto report = std::exchange(verdict, nullptr)) {
      report(std::move(unreachable));
    }
    close();
  }

  void close() {
    verdict = nullptr;
    for (uv_handle_t* h : {stream(), reinterpret_cast<uv_handle_t*>(&deadline)}) {
      if (!uv_is_closing(h)) {
        uv_close(h, [](uv_handle_t* closed) { static_cast<attempt*>(closed->data)->release(); });
      }
    }
  }
};

std::shared_ptr<reachability_probe> reachability_probe::start(uv_loop_t* loop,
                                                              const config& settings,
                                                              verdict_fn verdict) {
  auto* a = new attempt;
  a->verdict = std::move(verdict);
  a->over_pipe = !settings.unix_path.empty();
  a->timeout_ms = static_cast<std::uint64_t>(settings.connect_timeout.count());
  if (a->over_pipe) {
    uv_pipe_init(loop, &a->pipe, 0);
  } else {
    uv_tcp_init(loop, &a->tcp);
  }
  uv_timer_init(loop, &a->deadline);
  a->references = 3;
  a->stream()->data = a;
  a->deadline.data = a;
  a->request.data = a;
  uv_unref(a->stream());  // the connections keep the loop alive, not the probe
  uv_unref(reinterpret_cast<uv_handle_t*>(&a->deadline));

  auto connected = [](uv_connect_t* request, int status) {
    auto* self = static_cast<attempt*>(request->data);
    if (status == UV_ECANCELED) {
      return;  // closed by the deadline or by cancel(): already concluded
    }
    self->conclude(
        status == 0 ? std::nullopt
                    : std::optional<std::string>(std::string("connect: ") + uv_strerror(status)));
  };

  int rc = 0;
  if (a->over_pipe) {
    uv_pipe_connect(&a->request, &a->pipe, settings.unix_path.c_str(), connected);
  } else {
    // Resolved as hiredis resolves a connection's address: synchronously.
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    uv_getaddrinfo_t resolved{};
    const std::string port = std::to_string(settings.port);
    rc = uv_getaddrinfo(loop, &resolved, nullptr, settings.host.c_str(), port.c_str(), &hints);
    if (rc == 0) {
      rc = uv_tcp_connect(&a->request, &a->tcp, resolved.addrinfo->ai_addr, connected);
      uv_freeaddrinfo(resolved.addrinfo);
    }
  }
  if (rc != 0) {
    a->failed_to_start = std::string("connect: ") + uv_strerror(rc);
  }
  uv_timer_start(
      &a->deadline,
      [](uv_timer_t* timer) {
        auto* self = static_cast<attempt*>(timer->data);
        if (self->failed_to_start) {
          self->conclude(self->failed_to_start);
          return;
        }
        self->conclude("no connect within " + std::to_string(self->timeout_ms) + " ms");
      },
      rc != 0 ? 0 : a->timeout_ms, 0);
  return std::shared_ptr<reachability_probe>(new reachability_probe(a));
}

reachability_probe::~reachability_probe() {
  cancel();
}

void reachability_probe::cancel() {
  if (auto* a = std::exchange(running_, nullptr)) {
    a->close();
    a->release();
  }
}

}  // namespace atomkv::redis
