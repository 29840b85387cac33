#include "cluster_topology.hpp"

#include <algorithm>
#include <charconv>

namespace atomkv::redis {
namespace {

std::optional<long long> number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

error malformed(std::string_view what) {
  return error::other("redis cluster: malformed CLUSTER SLOTS reply (" + std::string(what) + ")");
}

}  // namespace

std::string node_address::text() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

std::optional<redirect> parse_redirect(std::string_view line) {
  redirect out;
  if (line.starts_with("MOVED ")) {
    out.what = redirect::kind::moved;
    line.remove_prefix(6);
  } else if (line.starts_with("ASK ")) {
    out.what = redirect::kind::ask;
    line.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const auto space = line.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  auto slot = number(line.substr(0, space));
  std::string_view address = line.substr(space + 1);
  const auto colon = address.rfind(':');
  if (!slot || *slot < 0 || *slot >= kHashSlots || colon == std::string_view::npos) {
    return std::nullopt;
  }
  auto port = number(address.substr(colon + 1));
  if (!port || *port <= 0 || *port > 65535) {
    return std::nullopt;
  }
  std::string_view host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  out.slot = static_cast<std::uint16_t>(*slot);
  out.to = {std::string(host), static_cast<std::uint16_t>(*port)};
  return out;
}

result<slot_map> slot_map::from_cluster_slots(const redisReply& reply, const node_address& asked) {
  if (reply.type != REDIS_REPLY_ARRAY) {
    return failure(malformed("not an array"));
  }
  slot_map map;
  for (std::size_t i = 0; i < reply.elements; ++i) {
    const redisReply& range = *reply.element[i];
    if (range.type != REDIS_REPLY_ARRAY || range.elements < 3 ||
        range.element[0]->type != REDIS_REPLY_INTEGER ||
        range.element[1]->type != REDIS_REPLY_INTEGER) {
      return failure(malformed("a range"));
    }
    const long long first = range.element[0]->integer;
    const long long last = range.element[1]->integer;
    const redisReply& master = *range.element[2];
    // The endpoint is a string, or NIL for "the host you asked" (cluster-preferred-endpoint-type
    // unknown-endpoint); "?" names a node whose endpoint is not known yet: its slots have no
    // reachable master until the next refresh.
    const bool endpoint_known = master.type == REDIS_REPLY_ARRAY && master.elements >= 2 &&
                                (master.element[0]->type == REDIS_REPLY_STRING ||
                                 master.element[0]->type == REDIS_REPLY_NIL);
    if (first < 0 || last >= kHashSlots || first > last || !endpoint_known ||
        master.element[1]->type != REDIS_REPLY_INTEGER || master.element[1]->integer <= 0 ||
        master.element[1]->integer > 65535) {
      return failure(malformed("a range's master"));
    }
    const redisReply& endpoint = *master.element[0];
    node_address address{
        endpoint.type == REDIS_REPLY_NIL ? std::string() : std::string(endpoint.str, endpoint.len),
        static_cast<std::uint16_t>(master.element[1]->integer)};
    if (address.host == "?") {
      continue;
    }
    if (address.host.empty()) {
      address.host = asked.host;
    }
    auto known = std::find(map.masters_.begin(), map.masters_.end(), address);
    if (known == map.masters_.end()) {
      map.masters_.push_back(address);
      known = map.masters_.end() - 1;
    }
    const auto index = static_cast<std::int16_t>(known - map.masters_.begin());
    std::fill(map.owner_.begin() + first, map.owner_.begin() + last + 1, index);
  }
  return map;
}

result<slot_map> slot_map::from_reply(const redisReply& reply, const node_address& asked) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return failure(
        error::other("redis cluster: " + asked.text() + ": " + std::string(reply.str, reply.len)));
  }
  return from_cluster_slots(reply, asked);
}

const node_address* slot_map::master_of(std::uint16_t slot) const {
  if (slot >= kHashSlots || owner_[slot] == kNone) {
    return nullptr;
  }
  return &masters_[static_cast<std::size_t>(owner_[slot])];
}

bool slot_map::complete() const {
  return std::none_of(owner_.begin(), owner_.end(), [](std::int16_t o) { return o == kNone; });
}

}  // namespace atomkv::redis
