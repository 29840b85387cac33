#pragma once
// Every conformance test gets a bucket of its own on the backend under test, so that tests on a
// shared server (Redis) never see each other's keys.

#include <string>

#include "atomkv/atomkv.hpp"

namespace atomkv::conformance {

// The store URL the suite runs against (set from --backend).
void set_backend_url(std::string url);
const std::string& backend_url();

struct fixture {
  fixture();
  std::string bucket_name;
  atomkv::store store;
  atomkv::bucket bucket;

  // A second, independent connection to the same bucket, as another client would have.
  atomkv::bucket other_client() const;
};

}  // namespace atomkv::conformance
