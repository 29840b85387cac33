#pragma once
// What a Redis Cluster says about itself: which master serves each hash slot (CLUSTER SLOTS), and
// the redirections a node answers with (MOVED: the slot lives elsewhere now; ASK: this one key is
// being migrated, ask the target once).

#include <hiredis/hiredis.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/result.hpp"
#include "hash_slot.hpp"

namespace atomkv::redis {

struct node_address {
  std::string host;
  std::uint16_t port = 0;
  bool operator==(const node_address&) const = default;
  std::string text() const;  // host:port, as MOVED and redis-cli write it
};

struct redirect {
  enum class kind : std::uint8_t { moved, ask };
  kind what = kind::moved;
  std::uint16_t slot = 0;
  node_address to;
};

// "MOVED 3999 127.0.0.1:6381" or "ASK 3999 127.0.0.1:6381" (the error's text, "-" left off);
// nothing for any other error.
std::optional<redirect> parse_redirect(std::string_view error_line);

class slot_map {
 public:
  slot_map() { owner_.fill(kNone); }

  // From a CLUSTER SLOTS reply. A master whose endpoint is NIL or "" is reached at `asked`'s
  // host, as redis-cli does; one whose endpoint is "?" (not known yet) serves no slot here.
  // Slots no range covers have no master.
  static result<slot_map> from_cluster_slots(const redisReply& reply, const node_address& asked);
  // The same, or the node's error reply as an error.
  static result<slot_map> from_reply(const redisReply& reply, const node_address& asked);

  // The master of `slot`, or nothing when the slot is not served.
  const node_address* master_of(std::uint16_t slot) const;
  std::span<const node_address> masters() const { return masters_; }
  // Whether every slot has a master.
  bool complete() const;

 private:
  static constexpr std::int16_t kNone = -1;
  std::vector<node_address> masters_;
  std::array<std::int16_t, kHashSlots> owner_{};  // index into masters_, or kNone
};

}  // namespace atomkv::redis
