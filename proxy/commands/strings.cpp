// String and counter commands: GET, SET and its relatives (SETEX, PSETEX, GETEX), MGET/MSET/MSETNX,
// STRLEN, INCR..., the edits APPEND, GETRANGE, SETRANGE, INCRBYFLOAT, and LCS.

#include <algorithm>
#include <limits>

#include "../command_table.hpp"
#include "../redis_errors.hpp"
#include "atomkv/string_edits.hpp"
#include "expiry_args.hpp"
#include "parse.hpp"
#include "strings.hpp"

namespace atomkv::proxy {
namespace strings_family {

using cond = operation::condition;
using maybe_error = std::optional<std::string>;

maybe_error plan_get(args_view a, plan_builder& p) {
  p.add(operation::get(a[1]));
  return {};
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT t | PXAT t | KEEPTTL], parsed as Redis 7.0
// parses it: the options first, then the time, then the key.
maybe_error plan_set(args_view a, plan_builder& p) {
  string_options o;
  if (!parse_string_options(a, 3, true, o)) {
    return std::string(errors::syntax);
  }
  expiry deadline = o.keepttl ? expiry::keep() : expiry::never();
  if (o.unit != expiry_unit::none) {
    expiry_problem problem{};
    auto given = string_expiry(o.unit, o.time, problem);
    if (!given) {
      return problem == expiry_problem::not_integer ? std::string(errors::not_integer)
                                                    : errors::invalid_expire_time("set");
    }
    deadline = *given;
  }
  p.add(operation::set(a[1], a[2],
                       o.nx   ? cond::if_missing
                       : o.xx ? cond::if_present
                              : cond::always,
                       o.get, deadline));
  return {};
}

// SETEX key seconds value, PSETEX key milliseconds value: SET with EX or PX.
maybe_error plan_set_expiring(args_view a, plan_builder& p, expiry_unit unit,
                              std::string_view name) {
  expiry_problem problem{};
  auto deadline = string_expiry(unit, a[2], problem);
  if (!deadline) {
    return problem == expiry_problem::not_integer ? std::string(errors::not_integer)
                                                  : errors::invalid_expire_time(name);
  }
  p.add(operation::set(a[1], a[3], cond::always, false, *deadline));
  return {};
}

maybe_error plan_setex(args_view a, plan_builder& p) {
  return plan_set_expiring(a, p, expiry_unit::ex, "setex");
}

maybe_error plan_psetex(args_view a, plan_builder& p) {
  return plan_set_expiring(a, p, expiry_unit::px, "psetex");
}

// GETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST]. Redis reads the options, then looks the
// key up (a missing key answers nil whatever the time), then reads the time.
maybe_error plan_getex(args_view a, plan_builder& p) {
  string_options o;
  if (!parse_string_options(a, 2, false, o)) {
    return std::string(errors::syntax);
  }
  expiry deadline = o.persist ? expiry::never() : expiry::keep();
  if (o.unit != expiry_unit::none) {
    expiry_problem problem{};
    auto given = string_expiry(o.unit, o.time, problem);
    if (!given) {
      p.target.shape = reply_shape::nil_or_error;
      p.target.error = problem == expiry_problem::not_integer ? errors::not_integer
                                                              : errors::getex_invalid_expire_time;
      p.add(operation::get(a[1]));
      return {};
    }
    deadline = *given;
  }
  p.add(operation::get_and_expire(a[1], deadline));
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

// The edits below check here only what Redis checks before it looks the key up (t_string.c); the
// backend checks the rest (a wrong type, the 512 MB limit, a value that is not a float) in Redis's
// order.

maybe_error plan_append(args_view a, plan_builder& p) {
  p.add(operation::append(a[1], a[2]));
  return {};
}

// GETRANGE key start end (SUBSTR is the same command): start is read before end.
maybe_error plan_getrange(args_view a, plan_builder& p) {
  auto start = parse_integer(a[2]);
  if (!start) {
    return std::string(errors::not_integer);
  }
  auto end = parse_integer(a[3]);
  if (!end) {
    return std::string(errors::not_integer);
  }
  p.add(operation::get_range(a[1], *start, *end));
  return {};
}

maybe_error plan_setrange(args_view a, plan_builder& p) {
  auto offset = parse_integer(a[2]);
  if (!offset) {
    return std::string(errors::not_integer);
  }
  if (*offset < 0) {
    return std::string(string_edits::offset_out_of_range);
  }
  p.add(operation::set_range(a[1], *offset, a[3]));
  return {};
}

// The increment is parsed by the backend, after the current value, as Redis does.
maybe_error plan_incrbyfloat(args_view a, plan_builder& p) {
  p.add(operation::increment_float(a[1], a[2]));
  return {};
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: both values in one atomic read,
// the subsequence computed here (lcs.hpp). Redis looks the keys up before it reads the options,
// so a bad option is the reply only once both keys are found to hold strings.
maybe_error plan_lcs(args_view a, plan_builder& p) {
  p.target.shape = reply_shape::lcs;
  lcs_options& o = p.target.lcs;
  for (std::size_t i = 3; i < a.size() && p.target.error.empty(); ++i) {
    const std::string_view option = c_string(a[i]);
    if (equals_ignoring_case(option, "IDX")) {
      o.ranges = true;
    } else if (equals_ignoring_case(option, "LEN")) {
      o.length_only = true;
    } else if (equals_ignoring_case(option, "WITHMATCHLEN")) {
      o.with_match_length = true;
    } else if (equals_ignoring_case(option, "MINMATCHLEN") && i + 1 < a.size()) {
      auto length = parse_integer(a[++i]);
      if (!length) {
        p.target.error = errors::not_integer;
      } else {
        o.min_match_length = std::max<std::int64_t>(*length, 0);
      }
    } else {
      p.target.error = errors::syntax;
    }
  }
  if (p.target.error.empty() && o.ranges && o.length_only) {
    p.target.error = errors::lcs_len_and_idx;
  }
  // GETRANGE 0 -1 rather than GET: in front of Redis two GETs become one MGET, which answers nil
  // for a list or a hash where LCS must refuse it.
  constexpr std::int64_t whole_start = 0, whole_end = -1;
  p.add(operation::get_range(a[1], whole_start, whole_end));
  p.add(operation::get_range(a[2], whole_start, whole_end));
  return {};
}

std::span<const std::string_view> set_key_flags(args_view command) {
  static constexpr std::string_view kReadsToo[] = {"RW", "access", "update"};
  static constexpr std::string_view kOverwrites[] = {"OW", "update"};
  for (std::size_t i = 3; i < command.size(); ++i) {
    if (equals_ignoring_case(command[i], "get")) {
      return kReadsToo;
    }
  }
  return kOverwrites;
}

}  // namespace strings_family

}  // namespace atomkv::proxy
