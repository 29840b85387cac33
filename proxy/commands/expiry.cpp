// Key expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME
// and PERSIST, with Redis 7.0's checks in its order (src/expire.c). SET's, SETEX's and GETEX's
// expiry is with the string commands.

#include <cstdint>
#include <limits>

#include "../command_table.hpp"
#include "../redis_errors.hpp"
#include "atomkv/clock.hpp"
#include "expiry.hpp"
#include "parse.hpp"

namespace atomkv::proxy {
namespace expiry_family {

using maybe_error = std::optional<std::string>;

enum class time_base : std::uint8_t { now, unix_epoch };

// expireGenericCommand: the options, then the time (an integer, in range once in milliseconds
// and once added to the base), then the key. A relative time stays relative, so the backend
// applies it by its own clock.
maybe_error plan_expire_generic(args_view a, plan_builder& p, std::string_view name, bool seconds,
                                time_base base) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  std::uint8_t flags = 0;
  for (std::size_t j = 3; j < a.size(); ++j) {
    std::string_view opt = c_string(a[j]);
    if (equals_ignoring_case(opt, "nx")) {
      flags |= expire_if_none;
    } else if (equals_ignoring_case(opt, "xx")) {
      flags |= expire_if_some;
    } else if (equals_ignoring_case(opt, "gt")) {
      flags |= expire_if_later;
    } else if (equals_ignoring_case(opt, "lt")) {
      flags |= expire_if_earlier;
    } else {
      return errors::unsupported_option(opt);
    }
  }
  if ((flags & expire_if_none) && (flags & ~expire_if_none)) {
    return std::string(errors::expire_nx_conflict);
  }
  if ((flags & expire_if_later) && (flags & expire_if_earlier)) {
    return std::string(errors::expire_gt_lt_conflict);
  }
  auto when = parse_integer(a[2]);
  if (!when) {
    return std::string(errors::not_integer);
  }
  std::int64_t ms = *when;
  if (seconds) {
    if (ms > kMax / 1000 || ms < kMin / 1000) {
      return errors::invalid_expire_time(name);
    }
    ms *= 1000;
  }
  if (base == time_base::unix_epoch) {
    p.add(operation::expire(a[1], expiry::at(ms), flags));
    return {};
  }
  if (ms > kMax - unix_time_ms()) {
    return errors::invalid_expire_time(name);
  }
  p.add(operation::expire(a[1], expiry::after(ms), flags));
  return {};
}

maybe_error plan_expire(args_view a, plan_builder& p) {
  return plan_expire_generic(a, p, "expire", true, time_base::now);
}

maybe_error plan_pexpire(args_view a, plan_builder& p) {
  return plan_expire_generic(a, p, "pexpire", false, time_base::now);
}

maybe_error plan_expireat(args_view a, plan_builder& p) {
  return plan_expire_generic(a, p, "expireat", true, time_base::unix_epoch);
}

maybe_error plan_pexpireat(args_view a, plan_builder& p) {
  return plan_expire_generic(a, p, "pexpireat", false, time_base::unix_epoch);
}

maybe_error plan_ttl(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::seconds;
  p.add(operation::time_left(a[1]));
  return {};
}

maybe_error plan_pttl(args_view a, plan_builder& p) {
  p.add(operation::time_left(a[1]));
  return {};
}

maybe_error plan_expiretime(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::seconds;
  p.add(operation::deadline_of(a[1]));
  return {};
}

maybe_error plan_pexpiretime(args_view a, plan_builder& p) {
  p.add(operation::deadline_of(a[1]));
  return {};
}

maybe_error plan_persist(args_view a, plan_builder& p) {
  p.add(operation::persist(a[1]));
  return {};
}

}  // namespace expiry_family

}  // namespace atomkv::proxy
