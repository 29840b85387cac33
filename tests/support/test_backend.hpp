#pragma once
// Which backend a test suite runs against. A suite takes a spec on its command line
// (--backend SPEC) and turns it into a store URL here; specs that need a real server start one.

#include <string>

namespace atomkv::testing {

// "sqlite-temp" is a fresh SQLite file in $TMPDIR; "memory://" and any other URL pass through
// unchanged.
std::string resolve_backend(const std::string& spec);

}  // namespace atomkv::testing
