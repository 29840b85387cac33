#include "conformance/fixture.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>

namespace atomkv::conformance {
namespace {

std::string& url_slot() {
  static std::string url = "memory://";
  return url;
}

std::string unique_bucket_name() {
  static std::atomic<int> counter{0};
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return "conformance-" + std::to_string(now) + "-" + std::to_string(counter++);
}

atomkv::store connect_or_fail() {
  auto connected = atomkv::connect(backend_url());
  if (!connected) {
    FAIL("cannot connect to " << backend_url() << ": " << connected.error().message);
  }
  return std::move(connected).value();
}

atomkv::bucket open_or_fail(const atomkv::store& store, const std::string& name) {
  auto opened = store.open(name);
  if (!opened) {
    FAIL("cannot open bucket " << name << ": " << opened.error().message);
  }
  return std::move(opened).value();
}

}  // namespace

void set_backend_url(std::string url) {
  url_slot() = std::move(url);
}
const std::string& backend_url() {
  return url_slot();
}

fixture::fixture() : fixture(unique_bucket_name()) {}

fixture::fixture(std::string name)
    : bucket_name(std::move(name)),
      store(connect_or_fail()),
      bucket(open_or_fail(store, bucket_name)) {}

one_slot_fixture::one_slot_fixture() : fixture("{" + unique_bucket_name() + "}") {}

atomkv::bucket fixture::other_client() const {
  // memory:// is one store per process object: another client shares this store.
  if (backend_url().starts_with("memory:")) {
    return bucket;
  }
  return open_or_fail(connect_or_fail(), bucket_name);
}

}  // namespace atomkv::conformance
