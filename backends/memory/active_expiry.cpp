#include "active_expiry.hpp"

#include <pthread.h>
#include <time.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "atomkv/clock.hpp"

namespace atomkv::memory {
namespace {

// After this many keys reclaimed, the end of the wave hands the freed memory back.
constexpr std::size_t kTrimAfter = 16384;

// This thread's CPU time: the budget bounds the work of a cycle, however the system schedules it.
std::chrono::nanoseconds thread_cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

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
  auto next = std::chrono::steady_clock::now() + tuning_.period;
  for (;;) {
    {
      std::unique_lock guard(lock_);
      if (wake_.wait_until(guard, next, [this] { return stopping_; })) {
        return;
      }
    }
    const auto started = std::chrono::steady_clock::now();
    const outcome done = cycle();
    since_trim += done.reclaimed;
    if (done.reclaimed == 0 && since_trim >= kTrimAfter) {
      give_memory_back();
      since_trim = 0;
    }
    // Behind: rest as long as the cycle worked, then go on (at most half of one core).
    next =
        done.behind ? std::chrono::steady_clock::now() + tuning_.budget : started + tuning_.period;
  }
}

// A cycle that runs out of budget resumes at the bucket where it stopped, so that one bucket
// with many due keys does not starve the others.
active_expiry::outcome active_expiry::cycle() {
  const auto started = thread_cpu_now();
  const auto spent = [&] { return thread_cpu_now() - started >= tuning_.budget; };
  const auto spaces = buckets_();
  std::size_t total = 0;
  for (std::size_t visited = 0; visited < spaces.size(); ++visited) {
    keyspace& space = *spaces[(first_bucket_ + visited) % spaces.size()];
    bool more_due = true;
    while (more_due) {
      const std::int64_t now = unix_time_ms();
      more_due = false;
      for (std::size_t i = 0; i < keyspace::stripe_count; ++i) {
        // A stripe in use is skipped until the next cycle: only a full step of reclaimed keys
        // means more are due now, so that a stripe held for long does not make the thread spin.
        const auto reclaimed = space.expire_due(i, now, tuning_.per_step);
        total += reclaimed.value_or(0);
        more_due = more_due || reclaimed.value_or(0) == tuning_.per_step;
      }
      if (more_due && spent()) {
        first_bucket_ += visited;
        return {total, true};
      }
    }
  }
  return {total, false};
}

}  // namespace atomkv::memory
