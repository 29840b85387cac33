#include "memory_gauge.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <string_view>

namespace atomkv::proxy {
namespace {

const std::uint64_t kPageSize = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));

}  // namespace

memory_gauge::~memory_gauge() {
  if (statm_ >= 0) {
    close(statm_);
  }
}

std::uint64_t memory_gauge::resident() {
  if (!opened_) {
    opened_ = true;
    statm_ = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  }
  if (statm_ < 0) {
    return 0;
  }
  // "size resident shared ...", in pages.
  char text[128];
  const ssize_t got = pread(statm_, text, sizeof text, 0);
  if (got <= 0) {
    return 0;
  }
  std::string_view fields(text, static_cast<std::size_t>(got));
  const auto space = fields.find(' ');
  if (space == std::string_view::npos) {
    return 0;
  }
  fields.remove_prefix(space + 1);
  std::uint64_t resident = 0;
  auto [end, ec] = std::from_chars(fields.data(), fields.data() + fields.size(), resident);
  return ec == std::errc() ? resident * kPageSize : 0;
}

}  // namespace atomkv::proxy
