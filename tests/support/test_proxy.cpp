#include "support/test_proxy.hpp"

#include <cstdio>
#include <cstdlib>

#include "atomkv/url.hpp"

namespace atomkv::testing {

std::optional<proxy_endpoint> external_proxy() {
  const char* text = std::getenv("ATOMKV_TEST_PROXY_URL");
  if (!text || !*text) {
    return std::nullopt;
  }
  auto url = parse_store_url(text);
  // A password or a database would have to be applied by every client of every test: refused
  // rather than half supported.
  bool plain = url && url.value().scheme == "redis" && !url.value().host.empty() &&
               url.value().port && !url.value().user && !url.value().password &&
               (url.value().path.empty() || url.value().path == "/") && url.value().query.empty();
  if (!plain) {
    std::fprintf(stderr, "ATOMKV_TEST_PROXY_URL must be redis://host:port, not '%s'\n", text);
    std::exit(2);
  }
  return proxy_endpoint{url.value().host, *url.value().port};
}

}  // namespace atomkv::testing
