#pragma once
// Active expiry of the memory backend: a thread owned by the store that reclaims keys past their
// deadline that nobody touches, as Redis's activeExpireCycle does, so that their memory comes
// back without any access.
//
// Every `period` it reads the clock and, for each bucket, takes one free stripe lock at a time
// (a stripe in use is tried again on the next pass, so the thread never sleeps on a lock) and
// reclaims at most `per_step` due keys of that stripe (earliest first, from the stripe's
// expiry_index); while some stripe had more due than that, it goes round the stripes again,
// until the cycle has spent `budget` of CPU time. So a lock is held for a few microseconds at most
// and no lock covers more than one stripe. The thread uses at most budget / period of one core (25%
// by default, as Redis's slow cycle) while it keeps up; when a cycle ends with keys still due, the
// next one starts after a rest as long as the budget (at most half of one core, as Redis adds
// fast cycles when it falls behind). Once a wave of reclaiming is over, the freed memory is
// handed back to the system (malloc_trim, where the C library has it).
//
// The thread starts with the object and stops, joined, when it is destroyed; it needs no event
// loop. The thread is named "atomkv-expire", so that its CPU time can be read from /proc.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "keyspace.hpp"

namespace atomkv::memory {

struct active_expiry_settings {
  std::chrono::milliseconds period{100};  // from the start of one cycle to the next
  std::chrono::milliseconds budget{25};   // at most this much CPU time reclaiming per cycle
  std::size_t per_step = 32;              // keys reclaimed per stripe lock taken
};

class active_expiry {
 public:
  using settings = active_expiry_settings;
  // The buckets to reclaim in, asked for at the start of every cycle.
  using bucket_source = std::function<std::vector<std::shared_ptr<keyspace>>()>;

  explicit active_expiry(bucket_source buckets, settings tuning = {});
  ~active_expiry();
  active_expiry(const active_expiry&) = delete;
  active_expiry& operator=(const active_expiry&) = delete;

 private:
  struct outcome {
    std::size_t reclaimed = 0;
    bool behind = false;  // the budget ran out with keys still due
  };
  void run();
  outcome cycle();

  bucket_source buckets_;
  settings tuning_;
  std::mutex lock_;  // guards stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::size_t first_bucket_ = 0;  // only the thread uses it
  std::thread thread_;            // last: it starts once everything above is ready
};

}  // namespace atomkv::memory
