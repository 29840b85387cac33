#pragma once
// A store attached to a libuv loop of the test's own, as the proxy attaches it.

#include <uv.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "atomkv/atomkv.hpp"

namespace atomkv::redis_tests {

// A libuv loop with the store attached; the destructor detaches and requires a clean close.
class attached_loop {
 public:
  explicit attached_loop(atomkv::store& store) : store_(store) {
    REQUIRE(uv_loop_init(&loop_) == 0);
    auto attached = store_.backend().attach_loop(&loop_);
    INFO((attached ? "" : attached.error().message));
    REQUIRE(attached);
  }
  ~attached_loop() {
    store_.backend().detach_loop();
    uv_run(&loop_, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop_) == 0);
  }

  // Runs the loop until `done` holds (or 10 s pass).
  template <class Done>
  bool run_until(Done done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    uv_run(&loop_, UV_RUN_NOWAIT);  // at least one iteration: the loop's clock moves on
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      uv_run(&loop_, UV_RUN_ONCE);
    }
    return done();
  }

 private:
  atomkv::store& store_;
  uv_loop_t loop_{};
};

}  // namespace atomkv::redis_tests
