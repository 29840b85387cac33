#pragma once
// Which atomkv-proxy the tests of ordinary client behaviour talk to. With
// $ATOMKV_TEST_PROXY_URL=redis://host:port set (for example a compose service), they use that
// running proxy and empty its keyspace with FLUSHALL before each test, as a proxy of their own
// would start empty; without it, they start their own. Tests that need special options
// (a password, limits, signals) always start their own.

#include <cstdint>
#include <optional>
#include <string>

namespace atomkv::testing {

struct proxy_endpoint {
  std::string host;
  std::uint16_t port = 0;
};

// The proxy named by $ATOMKV_TEST_PROXY_URL; nullopt when the variable is unset or empty.
// A URL other than redis://host:port ends the process with status 2 and says why.
std::optional<proxy_endpoint> external_proxy();

}  // namespace atomkv::testing
