#include "cpu_budget.hpp"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

namespace atomkv::proxy {
namespace {

struct cgroup_paths {
  std::optional<std::string> v2;  // the process's cgroup in the unified hierarchy
  std::optional<std::string> v1;  // ... in the v1 hierarchy of the cpu controller
};

cgroup_paths parse_self_cgroup(const std::string& text) {
  cgroup_paths paths;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    auto first = line.find(':');
    auto second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) {
      continue;
    }
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (line.compare(0, first, "0") == 0 && controllers.empty()) {
      paths.v2 = path;
      continue;
    }
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');) {
      if (name == "cpu") {
        paths.v1 = path;
      }
    }
  }
  return paths;
}

// CPUs of the quota set in `dir` itself; 0 when none.
long long quota_cpus_v2(const std::string& dir) {
  std::ifstream in(dir + "/cpu.max");
  std::string quota;
  long long period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0) {
    return 0;
  }
  long long q = std::atoll(quota.c_str());
  return q <= 0 ? 0 : std::max(1LL, q / period);
}

long long quota_cpus_v1(const std::string& dir) {
  std::ifstream quota_in(dir + "/cpu.cfs_quota_us");
  std::ifstream period_in(dir + "/cpu.cfs_period_us");
  long long quota = -1, period = 0;
  if (!(quota_in >> quota) || !(period_in >> period) || quota <= 0 || period <= 0) {
    return 0;
  }
  return std::max(1LL, quota / period);
}

// The smallest quota from `base + path` up to `base` (limits set on a parent bind too). A path
// that does not exist under `base` (a container's own cgroup, mounted at `base`) walks up to it.
long long smallest_quota(const std::string& base, std::string path,
                         long long (*quota_of)(const std::string&)) {
  long long smallest = 0;
  while (true) {
    long long cpus = quota_of(base + path);
    if (cpus > 0 && (smallest == 0 || cpus < smallest)) {
      smallest = cpus;
    }
    auto slash = path.find_last_of('/');
    if (path.empty() || slash == std::string::npos) {
      return smallest;
    }
    path.erase(slash);
  }
}

}  // namespace

unsigned cpus_of_cgroup_quota(const std::string& fs_root, const std::string& self_cgroup) {
  cgroup_paths paths = parse_self_cgroup(self_cgroup);
  long long cpus = 0;
  if (paths.v2) {
    cpus = smallest_quota(fs_root, *paths.v2, quota_cpus_v2);
  }
  if (cpus == 0 && paths.v1) {
    cpus = smallest_quota(fs_root + "/cpu", *paths.v1, quota_cpus_v1);
  }
  return static_cast<unsigned>(cpus);
}

unsigned usable_cpus() {
  unsigned cpus = 1;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    cpus = static_cast<unsigned>(CPU_COUNT(&set));
  }
  std::ifstream in("/proc/self/cgroup");
  std::string self_cgroup((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (unsigned quota = cpus_of_cgroup_quota("/sys/fs/cgroup", self_cgroup);
      quota != 0 && quota < cpus) {
    cpus = quota;
  }
  return cpus;
}

}  // namespace atomkv::proxy
