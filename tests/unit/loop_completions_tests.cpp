// Completions delivered on the loop (backends/common/loop_completions.hpp): a delivery that
// detaches or destroys the owner in the middle of a batch still lets the rest of the batch,
// whose outcomes are known, reach their callbacks with those outcomes; only calls with no
// outcome yet fail with the detach's reason.

#include <uv.h>

#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "common/loop_completions.hpp"

namespace atomkv {
namespace {

using number = result<int>;

struct loop_fixture {
  uv_loop_t loop{};
  loop_fixture() { REQUIRE(uv_loop_init(&loop) == 0); }
  ~loop_fixture() {
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
  }
};

}  // namespace

TEST_CASE("loop completions: a delivery that detaches lets the rest of its batch through",
          "[loop-completions]") {
  loop_fixture f;
  for (const bool destroy : {false, true}) {
    auto completions = std::make_unique<common::loop_completions>();
    REQUIRE(completions->attach(&f.loop));
    std::vector<std::optional<number>> seen(4);
    std::vector<common::completer<number>> completers;
    for (std::size_t i = 0; i < seen.size(); ++i) {
      completers.push_back(completions->expect<number>([&, i](number n) {
        seen[i].emplace(std::move(n));
        if (i == 0) {
          // The first of the batch ends it all, as a client closing on its first reply.
          if (destroy) {
            completions.reset();
          } else {
            completions->detach(error::other("detached"));
          }
        }
      }));
    }
    // One batch: three outcomes posted before the loop runs; the fourth never comes.
    for (int i = 0; i < 3; ++i) {
      completers[static_cast<std::size_t>(i)](i + 10);
    }
    uv_run(&f.loop, UV_RUN_NOWAIT);
    for (int i = 0; i < 3; ++i) {
      const auto& s = seen[static_cast<std::size_t>(i)];
      REQUIRE(s.has_value());
      REQUIRE(s->has_value());
      CHECK(s->value() == i + 10);
    }
    REQUIRE(seen[3].has_value());
    REQUIRE_FALSE(seen[3]->has_value());
    CHECK(seen[3]->error().message ==
          (destroy ? "the store was closed with calls pending" : "detached"));
    completers[3](13);  // after the detach: dropped, and nothing reaches the loop
    uv_run(&f.loop, UV_RUN_NOWAIT);
    CHECK(seen[3]->has_error());
  }
}

}  // namespace atomkv
