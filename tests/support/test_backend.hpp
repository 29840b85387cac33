#pragma once
// Which backend a test suite runs against. A suite takes a spec on its command line
// (--backend SPEC) and turns it into a store URL here; specs that need a real server start one.

#include <string>

namespace atomkv::testing {

// "memory://" and any other URL pass through unchanged. "redis-server" starts a redis-server on
// a free loopback port (kept for the life of the process) and returns its redis:// URL, or
// returns $ATOMKV_TEST_REDIS_URL when that is set.
// "sqlite-temp" is a fresh SQLite file in $TMPDIR, removed at exit.
std::string resolve_backend(const std::string& spec);

}  // namespace atomkv::testing
