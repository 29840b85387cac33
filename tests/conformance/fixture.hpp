#pragma once
// Every conformance test gets a bucket of its own on the backend under test, so that tests on a
// shared server (Redis) never see each other's keys.

#include <string>
#include <vector>

#include "atomkv/atomkv.hpp"

namespace atomkv::conformance {

// The store URL the suite runs against (set from --backend).
void set_backend_url(std::string url);
const std::string& backend_url();

struct fixture {
  fixture();
  explicit fixture(std::string name);
  std::string bucket_name;
  atomkv::store store;
  atomkv::bucket bucket;

  // A second, independent connection to the same bucket, as another client would have.
  atomkv::bucket other_client() const;
};

// For cases that need several keys in one atomic step: the bucket's name is a {hash tag}, so
// that on Redis Cluster every key of the bucket is in one hash slot (an atomic step over keys of
// several slots is refused there, as Redis Cluster refuses it). Any other backend sees a bucket
// name like any other.
struct one_slot_fixture : fixture {
  one_slot_fixture();
};

// One operation applied, for worker threads, where Catch's assertions are not thread-safe: a
// failed call comes back as an error result, for the caller to count and check on the main thread.
inline op_result apply_unchecked(const atomkv::bucket& bucket, const operation& op) {
  std::vector<operation> ops{op};
  auto applied = bucket.backend().apply(ops);
  if (!applied || applied.value().size() != 1) {
    return op_result::failed("ERR apply failed");
  }
  return applied.value()[0];
}

}  // namespace atomkv::conformance
