#include "busy_poll.hpp"

#include <sched.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace atomkv::proxy {

void busy_poll::start(uv_loop_t* loop, std::uint64_t window_us) {
  window_ns_ = window_us * 1000;
  uv_idle_init(loop, &keep_awake_);
  // Polling never keeps a loop alive that has nothing else to do (shutdown).
  uv_unref(reinterpret_cast<uv_handle_t*>(&keep_awake_));
  started_ = true;
}

void busy_poll::close() {
  if (started_) {
    started_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&keep_awake_), nullptr);
  }
}

void busy_poll::on_iteration() {
  if (window_ns_ == 0 || !started_) {
    return;
  }
  std::uint64_t now = uv_hrtime();
  if (input_seen_) {
    input_seen_ = false;
    last_input_ns_ = now;
    if (!awake_) {
      awake_ = true;
      uv_idle_start(&keep_awake_, [](uv_idle_t*) {});
    }
  } else if (awake_ && now - last_input_ns_ > window_ns_) {
    awake_ = false;
    uv_idle_stop(&keep_awake_);
  }
}

unsigned cpus_of_cgroup_quota(const std::string& cgroup_root) {
  long long quota = -1, period = 0;
  if (std::ifstream v2(cgroup_root + "/cpu.max"); v2) {
    std::string first;
    if (v2 >> first >> period && first != "max") {
      quota = std::atoll(first.c_str());
    }
  } else {
    std::ifstream v1_quota(cgroup_root + "/cpu/cpu.cfs_quota_us");
    std::ifstream v1_period(cgroup_root + "/cpu/cpu.cfs_period_us");
    if (!(v1_quota >> quota) || !(v1_period >> period)) {
      quota = -1;
    }
  }
  if (quota <= 0 || period <= 0) {
    return 0;
  }
  return static_cast<unsigned>(quota / period);
}

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  unsigned cpus = 1;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    cpus = static_cast<unsigned>(CPU_COUNT(&set));
  }
  if (unsigned quota = cpus_of_cgroup_quota("/sys/fs/cgroup"); quota != 0 && quota < cpus) {
    cpus = quota;
  }
  return cpus;
}

}  // namespace atomkv::proxy
