#include "cluster_routing.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <random>

#include "hash_slot.hpp"

namespace atomkv::redis {
namespace {

// Cursors of Redis's 64 bits times 16384 need more than 64 bits.
__extension__ using wide = unsigned __int128;
constexpr wide kMasterBase = kHashSlots;

bool is_cluster_error(std::string_view line) {
  return line.starts_with("MOVED ") || line.starts_with("ASK ") || line.starts_with("TRYAGAIN") ||
         line.starts_with("CLUSTERDOWN");
}

std::string decimal(wide n) {
  std::string out;
  do {
    out.push_back(static_cast<char>('0' + static_cast<int>(n % 10)));
    n /= 10;
  } while (n != 0);
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<wide> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 38) {
    return std::nullopt;
  }
  wide n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  return n;
}

}  // namespace

std::uint16_t slot_of(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) {
    return hash_slot(key);
  }
  std::string full;
  full.reserve(prefix.size() + key.size());
  full.append(prefix).append(key);
  return hash_slot(full);
}

std::optional<std::uint16_t> bucket_slot(std::string_view prefix) {
  // The tag is the prefix's own when its first '{' and the '}' after it are both in it.
  const auto open = prefix.find('{');
  if (open == std::string_view::npos) {
    return std::nullopt;
  }
  const auto close = prefix.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) {
    return std::nullopt;
  }
  return hash_slot(prefix);
}

namespace {

// Folds one more key's slot into `found`; false when it differs.
bool same_slot(std::optional<std::uint16_t>& found, std::uint16_t slot) {
  if (found && *found != slot) {
    return false;
  }
  found = slot;
  return true;
}

}  // namespace

result<std::optional<std::uint16_t>> common_slot(std::string_view prefix,
                                                 std::span<const operation> ops) {
  std::optional<std::uint16_t> found;
  for (const auto& op : ops) {
    if (spans_bucket(op)) {
      continue;
    }
    if (op.what == operation::kind::set_if_none_exist) {
      for (std::size_t i = 0; i < op.pairs.size(); i += 2) {
        if (!same_slot(found, slot_of(prefix, op.pairs[i]))) {
          return failure(error::other(std::string(kCrossSlot)));
        }
      }
      continue;
    }
    if (!same_slot(found, slot_of(prefix, op.key))) {
      return failure(error::other(std::string(kCrossSlot)));
    }
    if (op.what == operation::kind::bit_operation) {
      // BITOP reads every source as well as writing the destination.
      for (auto source : op.arguments) {
        if (!same_slot(found, slot_of(prefix, source))) {
          return failure(error::other(std::string(kCrossSlot)));
        }
      }
    }
    if ((op.what == operation::kind::rename || op.what == operation::kind::copy) &&
        !same_slot(found, slot_of(prefix, op.value))) {
      return failure(error::other(std::string(kCrossSlot)));  // the destination's slot
    }
  }
  return found;
}

result<std::optional<std::uint16_t>> common_slot(std::string_view prefix,
                                                 std::span<const std::string_view> keys) {
  std::optional<std::uint16_t> found;
  for (auto key : keys) {
    if (!same_slot(found, slot_of(prefix, key))) {
      return failure(error::other(std::string(kCrossSlot)));
    }
  }
  return found;
}

void redirect_sink::on_reply(const redisReply& reply) {
  if (skipped_ > 0) {
    --skipped_;  // ASKING's +OK
    return;
  }
  last_was_error_ = reply.type == REDIS_REPLY_ERROR;
  if (last_was_error_ && !cluster_error_) {
    std::string_view line(reply.str, reply.len);
    if (is_cluster_error(line)) {
      cluster_error_.emplace(line);
    }
  }
  call_.on_reply(reply);
}

retry_decision redirect_sink::decide() const {
  retry_decision out;
  if (!cluster_error_ || !last_was_error_) {
    return out;  // executed (or refused for another reason): the replies are the answer
  }
  out.line = *cluster_error_;
  if (auto redirected = parse_redirect(out.line)) {
    out.what = redirected->what == redirect::kind::moved ? retry_decision::kind::moved
                                                         : retry_decision::kind::ask;
    out.to = std::move(redirected->to);
    return out;
  }
  out.what = retry_decision::kind::try_again;
  return out;
}

op_result combine(const operation& op, std::span<const op_result> per_master) {
  for (const auto& one : per_master) {
    if (one.what == op_result::kind::error) {
      return one;
    }
  }
  switch (op.what) {
    case operation::kind::clear:
      return op_result::ok();
    case operation::kind::list: {
      std::vector<std::string> keys;
      for (const auto& one : per_master) {
        keys.insert(keys.end(), one.keys.begin(), one.keys.end());
      }
      return op_result::of_keys(std::move(keys));
    }
    case operation::kind::random_key: {
      // A key of one of the masters that have any, drawn alike among them.
      std::vector<const op_result*> found;
      for (const auto& one : per_master) {
        if (one.what == op_result::kind::value) {
          found.push_back(&one);
        }
      }
      if (found.empty()) {
        return op_result::nil();
      }
      thread_local std::mt19937 draw{std::random_device{}()};
      return *found[std::uniform_int_distribution<std::size_t>(0, found.size() - 1)(draw)];
    }
    case operation::kind::average_ttl: {
      std::int64_t sum = 0;
      std::int64_t counted = 0;
      for (const auto& one : per_master) {
        if (one.integer > 0) {
          sum += one.integer;
          ++counted;
        }
      }
      return op_result::of_integer(counted == 0 ? 0 : sum / counted);
    }
    default: {
      std::int64_t sum = 0;
      for (const auto& one : per_master) {
        sum += one.integer;
      }
      return op_result::of_integer(sum);
    }
  }
}

std::string encode_cursor(const cluster_cursor& at) {
  auto node = parse_decimal(at.node_cursor).value_or(0);
  return decimal(node * kMasterBase + at.master);
}

std::optional<cluster_cursor> decode_cursor(std::string_view text) {
  auto n = parse_decimal(text);
  if (!n || *n == 0 || *n / kMasterBase > UINT64_MAX) {
    return std::nullopt;
  }
  return cluster_cursor{static_cast<std::size_t>(*n % kMasterBase), decimal(*n / kMasterBase)};
}

std::vector<node_address> masters_in_order(const slot_map& map) {
  std::vector<node_address> ordered;
  ordered.reserve(map.masters().size());
  for (std::uint16_t slot = 0; slot < kHashSlots && ordered.size() < map.masters().size(); ++slot) {
    const node_address* master = map.master_of(slot);
    if (master && std::find(ordered.begin(), ordered.end(), *master) == ordered.end()) {
      ordered.push_back(*master);
    }
  }
  return ordered;
}

}  // namespace atomkv::redis
