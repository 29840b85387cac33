#pragma once
// Redis Cluster routing decisions, without I/O, for the blocking store and for an asynchronous
// path alike: which slot a list of operations needs (or CROSSSLOT), whether a reply proves the
// request was not executed and where to send it again (MOVED, ASK, TRYAGAIN, CLUSTERDOWN), how
// the answers of every master to a bucket-wide operation combine, and the listing cursor that
// carries a master and that master's own SCAN cursor.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/operation.hpp"
#include "atomkv/result.hpp"
#include "cluster_topology.hpp"
#include "commands.hpp"

namespace atomkv::redis {

// A cluster node's own refusal of keys of several slots in one atomic step.
inline constexpr std::string_view kCrossSlot =
    "CROSSSLOT Keys in request don't hash to the same slot";
// A cluster node's answer to SELECT n for n != 0.
inline constexpr std::string_view kSelectInCluster = "ERR SELECT is not allowed in cluster mode";

// Whether `op` acts on the whole bucket (operation::spans_bucket): on a cluster such an operation
// runs on every master and the answers are combined. A function, for the std algorithms.
inline bool spans_bucket(const operation& op) {
  return op.spans_bucket();
}

// The one slot of every key that `ops` (or `keys`) name, as prefix + key; none when they name
// no key. Keys of several slots: failure with kCrossSlot.
result<std::optional<std::uint16_t>> common_slot(std::string_view prefix,
                                                 std::span<const operation> ops);
result<std::optional<std::uint16_t>> common_slot(std::string_view prefix,
                                                 std::span<const std::string_view> keys);
// The slot of one key of a bucket.
std::uint16_t slot_of(std::string_view prefix, std::string_view key);
// The one slot of every key of a bucket whose prefix holds a whole hash tag ("{orders}:"), so
// that the bucket lives on one master; none for other prefixes.
std::optional<std::uint16_t> bucket_slot(std::string_view prefix);

// What to do after a request's replies. A request is sent again only when a reply proves it
// was not executed: its last reply (the command itself, or EXEC) is an error and one of its
// replies is MOVED, ASK, TRYAGAIN or CLUSTERDOWN (inside MULTI a redirected command aborts EXEC).
struct retry_decision {
  enum class kind : std::uint8_t {
    done,       // the replies are the answer
    moved,      // refresh the slot map; send again to `to`
    ask,        // send ASKING and the request to `to`, once
    try_again,  // TRYAGAIN or CLUSTERDOWN: send again after a backoff
  };
  kind what = kind::done;
  node_address to;
  std::string line;  // the cluster error that decided it
};

// A reply_sink in front of a call: skips the replies of `skipped` leading commands (ASKING),
// hands the others to the call, and notes the cluster errors among them.
class redirect_sink final : public reply_sink {
 public:
  redirect_sink(reply_sink& call, std::size_t skipped) : call_(call), skipped_(skipped) {}
  void on_reply(const redisReply& reply) override;
  retry_decision decide() const;

 private:
  reply_sink& call_;
  std::size_t skipped_;
  std::optional<std::string> cluster_error_;
  bool last_was_error_ = false;
};

// The answer of the whole cluster to a bucket-wide operation, from each master's answer:
// sums for count, count_expiring and expired_total, every key for list (KEYS), ok for clear,
// the mean of the masters' non-zero means for average_ttl. The first error wins.
op_result combine(const operation& op, std::span<const op_result> per_master);

// Listing cursors: master index + 16384 * that master's SCAN cursor, in decimal. 16384 bounds
// the number of masters (each serves a slot), so the encoding does not depend on how many there
// are; the first master's start (index 0, cursor 0) is never handed out, so no cursor is "0".
struct cluster_cursor {
  std::size_t master = 0;
  std::string node_cursor = "0";  // Redis's own, decimal
};
std::string encode_cursor(const cluster_cursor& at);
// Nothing for text that no encode_cursor made (not decimal, too large).
std::optional<cluster_cursor> decode_cursor(std::string_view text);

// Masters in a stable order for listings: by the lowest slot each serves, so that a failover
// (same slots, new address) keeps every master's place.
std::vector<node_address> masters_in_order(const slot_map& map);

}  // namespace atomkv::redis
