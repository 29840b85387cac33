// The proxy suite's entry point. --subject proxy (the default) tests atomkv-proxy against
// redis-server, with the proxy on --backend SPEC (memory:// by default); --subject redis puts a
// second redis-server in the proxy's place, which checks that the harness itself is sound (every
// test must then pass).

#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <csignal>
#include <iostream>

#include "proxy/servers.hpp"
#include "support/proxy_server.hpp"

int main(int argc, char* argv[]) {
  // Tests write to connections the server has closed; that must be an error, not a signal.
  std::signal(SIGPIPE, SIG_IGN);
  Catch::Session session;
  std::string subject = "proxy";
  std::string backend = "memory://";
  using namespace Catch::clara;
  session.cli(session.cli() |
              Opt(subject, "proxy|redis")["--subject"]("the server under test (default proxy)") |
              Opt(backend, "spec")["--backend"](
                  "the proxy's backend: memory://, redis-server, sqlite-temp or a URL"));
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) {
    return rc;
  }
  using atomkv::proxy_tests::subject_kind;
  if (subject == "redis") {
    atomkv::proxy_tests::set_subject_kind(subject_kind::redis);
  } else if (subject == "proxy") {
    if (!atomkv::testing::proxy_server::available()) {
      std::cerr << "atomkv-proxy was not built; set ATOMKV_PROXY_BINARY or use --subject redis\n";
      return 2;
    }
    atomkv::proxy_tests::set_subject_kind(subject_kind::proxy);
    atomkv::proxy_tests::set_subject_backend(backend);
  } else {
    std::cerr << "--subject must be proxy or redis\n";
    return 2;
  }
  return session.run();
}
