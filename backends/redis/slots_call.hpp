#pragma once
// CLUSTER SLOTS as a call of the mapping's shape (commands.hpp), parsed as it arrives (the reply
// is freed after the sink returns): for the blocking pools (cluster_nodes) and, bound, for the
// async engines (map_refresh).

#include <utility>

#include "atomkv/result.hpp"
#include "cluster_topology.hpp"
#include "commands.hpp"
#include "request.hpp"

namespace atomkv::redis {

class slots_call final : public reply_sink {
 public:
  explicit slots_call(node_address asked) : asked_(std::move(asked)) {
    request_.add({"CLUSTER", "SLOTS"});
  }
  const request& command() const { return request_; }
  void on_reply(const redisReply& reply) override { parsed_ = slot_map::from_reply(reply, asked_); }
  result<slot_map> finish() { return std::move(parsed_); }

 private:
  node_address asked_;
  request request_;
  result<slot_map> parsed_ = failure(error::other("redis cluster: no reply to CLUSTER SLOTS"));
};

}  // namespace atomkv::redis
