// The conformance suite's entry point: --backend SPEC picks the backend under test.

#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "conformance/fixture.hpp"
#include "support/test_backend.hpp"

int main(int argc, char* argv[]) {
  Catch::Session session;
  std::string spec = "memory://";
  using namespace Catch::clara;
  session.cli(session.cli() |
              Opt(spec, "spec")["--backend"](
                  "backend under test: a store URL, redis-server or redis-cluster"));
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) {
    return rc;
  }
  atomkv::conformance::set_backend_url(atomkv::testing::resolve_backend(spec));
  return session.run();
}
