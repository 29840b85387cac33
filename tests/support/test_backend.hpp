#pragma once
// Which backend a test suite runs against. A suite takes a spec on its command line
// (--backend SPEC) and turns it into a store URL here; specs that need a real server start one.

#include <string>

namespace atomkv::testing {

// "memory://" and any other URL pass through unchanged. "redis-server" starts a redis-server on
// a free loopback port (kept for the life of the process) and returns its redis:// URL, or
// returns $ATOMKV_TEST_REDIS_URL when that is set.
// "sqlite-temp" is a fresh SQLite file in $TMPDIR, removed at exit. "redis-cluster" starts a
// Redis Cluster of 3 masters with a replica each (redis_cluster.hpp) and returns its
// redis+cluster:// URL.
std::string resolve_backend(const std::string& spec);

class redis_server;
// The redis-server that resolve_backend("redis-server") started, for tests that talk to the
// backend directly or kill and restart it; null before that, or when $ATOMKV_TEST_REDIS_URL
// named an external server.
redis_server* backend_redis_server();
class redis_cluster;
// The cluster that resolve_backend("redis-cluster") started; null before that.
redis_cluster* backend_redis_cluster();

}  // namespace atomkv::testing
