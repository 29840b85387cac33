// A small program against the installed library: a counter by increment, then by cas.
// Usage: counter_example [store-url]   (default memory://)

#include <atomkv/atomkv.hpp>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  const char* url = argc > 1 ? argv[1] : "memory://";
  auto store = atomkv::connect(url);
  if (!store) {
    std::fprintf(stderr, "connect %s: %s\n", url, store.error().message.c_str());
    return 1;
  }
  auto bucket = store.value().open("");
  if (!bucket) {
    std::fprintf(stderr, "open: %s\n", bucket.error().message.c_str());
    return 1;
  }
  auto visits = atomkv::atomics::increment(bucket.value(), "visits", 1);
  if (!visits) {
    std::fprintf(stderr, "increment: %s\n", visits.error().message.c_str());
    return 1;
  }
  std::printf("visits = %lld\n", static_cast<long long>(visits.value()));

  // Append to a value with compare-and-swap, retrying on conflict.
  auto handle = atomkv::atomics::cas::make(bucket.value(), "log");
  while (handle) {
    std::string next = handle.value().current().value().value_or("") + "x";
    auto swapped = atomkv::atomics::swap(std::move(handle).value(), next);
    if (swapped) {
      std::printf("log = %s\n", next.c_str());
      return 0;
    }
    if (!swapped.error().is_cas_failed()) {
      std::fprintf(stderr, "swap: %s\n", swapped.error().store_error().message.c_str());
      return 1;
    }
    handle = std::move(swapped).error().take_refreshed();
  }
  std::fprintf(stderr, "cas: %s\n", handle.error().message.c_str());
  return 1;
}
