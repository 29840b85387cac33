#pragma once
// How many CPUs this process may use: its affinity, capped by a cgroup CPU quota (a container's
// --cpus, a systemd unit's CPUQuota=). Busy polling pays only when a client has a CPU of its own.

#include <string>

namespace atomkv::proxy {

unsigned usable_cpus();

// Whole CPUs (at least 1) of the smallest CFS quota on the way from this process's cgroup up to
// the root of the hierarchy mounted at `fs_root`; 0 when none is set. `self_cgroup` is the text
// of /proc/self/cgroup: its "0::PATH" line places the process in cgroup v2 (cpu.max holds
// "QUOTA PERIOD" or "max PERIOD"), a line naming the cpu controller in v1 (cpu/cpu.cfs_quota_us,
// -1 when unlimited, and cpu/cpu.cfs_period_us).
unsigned cpus_of_cgroup_quota(const std::string& fs_root, const std::string& self_cgroup);

}  // namespace atomkv::proxy
