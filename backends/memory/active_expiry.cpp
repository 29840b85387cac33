#include "active_expiry.hpp"

#include <pthread.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "atomkv/clock.hpp"

namespace atomkv::memory {
namespace {

// After this many keys reclaimed, the end of the wave hands the freed memory back.
constexpr std::size_t kTrimAfter = 16384;

void give_memory_back() {
#if defined(__GLIBC__)
  // glibc returns only the top of its heaps by itself; freed nodes in between stay resident.
  malloc_trim(0);
#endif
}

}  // namespace

active_expiry::active_expiry(bucket_source buckets, settings tuning)
    : buckets_(std::move(buckets)), tuning_(tuning), thread_([this] { run(); }) {}

active_expiry::~active_expiry() {
  {
    std::lock_guard guard(lock_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void active_expiry::run() {
  pthread_setname_np(pthread_self(), "atomkv-expire");
  std::size_t since_trim = 0;
  auto next = std::chrono::steady_clock::now();
  for (;;) {
    next += tuning_.period;
    {
      std::unique_lock guard(lock_);
      if (wake_.wait_until(guard, next, [this] { return stopping_; })) {
        return;
      }
    }
    const auto started = std::chrono::steady_clock::now();
    if (next < started) {
      next = started;  // a late cycle does not make the next ones come sooner
    }
    const std::size_t reclaimed = cycle();
    since_trim += reclaimed;
    if (reclaimed == 0 && since_trim >= kTrimAfter) {
      give_memory_back();
      since_trim = 0;
    }
  }
}

// A cycle that runs out of budget resumes at the bucket where it stopped, so that one bucket
// with many due keys does not starve the others.
std::size_t active_expiry::cycle() {
  const auto started = std::chrono::steady_clock::now();
  const auto spent = [&] { return std::chrono::steady_clock::now() - started >= tuning_.budget; };
  const auto spaces = buckets_();
  std::size_t total = 0;
  for (std::size_t visited = 0; visited < spaces.size(); ++visited) {
    keyspace& space = *spaces[(first_bucket_ + visited) % spaces.size()];
    bool more_due = true;
    while (more_due) {
      const std::int64_t now = unix_time_ms();
      more_due = false;
      for (std::size_t i = 0; i < keyspace::stripe_count; ++i) {
        const std::size_t reclaimed = space.expire_due(i, now, tuning_.per_step);
        total += reclaimed;
        more_due = more_due || reclaimed == tuning_.per_step;
      }
      if (more_due && spent()) {
        first_bucket_ += visited;
        return total;
      }
    }
  }
  return total;
}

}  // namespace atomkv::memory
