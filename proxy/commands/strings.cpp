// String and counter commands: GET, SET and its relatives, MGET/MSET/MSETNX, STRLEN, INCR...

#include <limits>

#include "../command_table.hpp"
#include "../redis_errors.hpp"
#include "parse.hpp"

namespace atomkv::proxy {
namespace {

using cond = operation::condition;
using maybe_error = std::optional<std::string>;

maybe_error plan_get(args_view a, plan_builder& p) {
  p.add(operation::get(a[1]));
  return {};
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT t | PXAT t | KEEPTTL], parsed as Redis 7.0
// parses it. Expiry is validated like Redis, then refused: atomkv keys do not expire.
maybe_error plan_set(args_view a, plan_builder& p) {
  bool nx = false, xx = false, get = false, keepttl = false;
  std::optional<std::string_view> expire;
  std::string_view expire_kind;  // one kind may repeat (the last wins); two kinds clash
  auto is_expiry = [](std::string_view opt) {
    for (std::string_view kind : {"ex", "px", "exat", "pxat"}) {
      if (equals_ignoring_case(opt, kind)) {
        return true;
      }
    }
    return false;
  };
  for (std::size_t j = 3; j < a.size(); ++j) {
    std::string_view opt = a[j];
    bool has_next = j + 1 < a.size();
    if (equals_ignoring_case(opt, "nx") && !xx) {
      nx = true;
    } else if (equals_ignoring_case(opt, "xx") && !nx) {
      xx = true;
    } else if (equals_ignoring_case(opt, "get")) {
      get = true;
    } else if (equals_ignoring_case(opt, "keepttl") && !expire) {
      keepttl = true;
    } else if (is_expiry(opt) && !keepttl && has_next &&
               (!expire || equals_ignoring_case(opt, expire_kind))) {
      expire_kind = opt;
      expire = a[++j];
    } else {
      return std::string(errors::syntax);
    }
  }
  if (expire) {
    auto when = parse_integer(*expire);
    if (!when) {
      return std::string(errors::not_integer);
    }
    if (*when <= 0) {
      return std::string("ERR invalid expire time in 'set' command");
    }
    return std::string(errors::no_expiry);
  }
  p.add(operation::set(a[1], a[2],
                       nx   ? cond::if_missing
                       : xx ? cond::if_present
                            : cond::always,
                       get));
  return {};
}

maybe_error plan_setnx(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::flag;
  p.add(operation::set(a[1], a[2], cond::if_missing));
  return {};
}

maybe_error plan_getset(args_view a, plan_builder& p) {
  p.add(operation::set(a[1], a[2], cond::always, true));
  return {};
}

maybe_error plan_getdel(args_view a, plan_builder& p) {
  p.add(operation::take(a[1]));
  return {};
}

maybe_error plan_mget(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::values;
  for (std::size_t i = 1; i < a.size(); ++i) {
    p.add(operation::get(a[i]));
  }
  return {};
}

maybe_error plan_mset(args_view a, plan_builder& p) {
  if (a.size() % 2 == 0) {
    return errors::wrong_arity("mset");
  }
  p.target.shape = reply_shape::ok;
  for (std::size_t i = 1; i + 1 < a.size(); i += 2) {
    p.add(operation::set(a[i], a[i + 1]));
  }
  return {};
}

maybe_error plan_msetnx(args_view a, plan_builder& p) {
  if (a.size() % 2 == 0) {
    return errors::wrong_arity("msetnx");
  }
  p.add(operation::set_if_none_exist(a.subspan(1)));
  return {};
}

maybe_error plan_strlen(args_view a, plan_builder& p) {
  p.add(operation::length(a[1]));
  return {};
}

maybe_error plan_incr(args_view a, plan_builder& p) {
  p.add(operation::increment(a[1], 1));
  return {};
}

maybe_error plan_decr(args_view a, plan_builder& p) {
  p.add(operation::increment(a[1], -1));
  return {};
}

maybe_error plan_incrby(args_view a, plan_builder& p) {
  auto delta = parse_integer(a[2]);
  if (!delta) {
    return std::string(errors::not_integer);
  }
  p.add(operation::increment(a[1], *delta));
  return {};
}

maybe_error plan_decrby(args_view a, plan_builder& p) {
  auto delta = parse_integer(a[2]);
  if (!delta) {
    return std::string(errors::not_integer);
  }
  if (*delta == std::numeric_limits<std::int64_t>::min()) {
    return std::string(errors::decrement_overflow);  // -delta does not exist
  }
  p.add(operation::increment(a[1], -*delta));
  return {};
}

constexpr std::uint32_t kReadFast = flag_readonly | flag_fast;
constexpr std::uint32_t kWriteFast = flag_write | flag_fast;

const command_spec kCommands[] = {
    {"get", 2, kReadFast, plan_get, nullptr, nullptr, 1, 1, 1},
    {"set", -3, flag_write, plan_set, nullptr, nullptr, 1, 1, 1},
    {"setnx", 3, kWriteFast, plan_setnx, nullptr, nullptr, 1, 1, 1},
    {"getset", 3, kWriteFast, plan_getset, nullptr, nullptr, 1, 1, 1},
    {"getdel", 2, kWriteFast, plan_getdel, nullptr, nullptr, 1, 1, 1},
    {"mget", -2, kReadFast, plan_mget, nullptr, nullptr, 1, -1, 1},
    {"mset", -3, flag_write, plan_mset, nullptr, nullptr, 1, -1, 2},
    {"msetnx", -3, flag_write, plan_msetnx, nullptr, nullptr, 1, -1, 2},
    {"strlen", 2, kReadFast, plan_strlen, nullptr, nullptr, 1, 1, 1},
    {"incr", 2, kWriteFast, plan_incr, nullptr, nullptr, 1, 1, 1},
    {"decr", 2, kWriteFast, plan_decr, nullptr, nullptr, 1, 1, 1},
    {"incrby", 3, kWriteFast, plan_incrby, nullptr, nullptr, 1, 1, 1},
    {"decrby", 3, kWriteFast, plan_decrby, nullptr, nullptr, 1, 1, 1},
};

}  // namespace

std::span<const command_spec> string_commands() {
  return kCommands;
}

}  // namespace atomkv::proxy
