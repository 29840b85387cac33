#include "support/redis_cluster.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace atomkv::testing {
namespace {

using namespace std::chrono_literals;

std::string run(const std::string& command) {
  std::string output;
  if (FILE* pipe = ::popen((command + " 2>&1").c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
      output.append(buffer, n);
    }
    ::pclose(pipe);
  }
  return output;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

redis_cluster::redis_cluster(redis_cluster_options options) : options_(std::move(options)) {
  const int count = options_.masters * (1 + options_.replicas_per_master);
  std::string addresses;
  for (int i = 0; i < count; ++i) {
    redis_server_options node_options;
    node_options.requirepass = options_.requirepass;
    node_options.cluster_node = true;
    node_options.cluster_node_timeout_ms = options_.node_timeout_ms;
    auto& node = nodes_.emplace_back(std::make_unique<redis_server>(node_options));
    if (!node->running()) {
      error_ = "cluster node " + std::to_string(i) + ": " + node->error();
      return;
    }
    addresses += " 127.0.0.1:" + std::to_string(node->port());
  }
  std::string create = "redis-cli --cluster create" + addresses + " --cluster-replicas " +
                       std::to_string(options_.replicas_per_master) + " --cluster-yes";
  if (options_.requirepass) {
    create += " --no-auth-warning -a " + *options_.requirepass;
  }
  const std::string output = run(create);
  if (!contains(output, "[OK] All 16384 slots covered")) {
    error_ = "redis-cli --cluster create failed: " + output;
    return;
  }
  if (!wait_ok()) {
    error_ = "the cluster did not reach cluster_state:ok";
  }
}

std::string redis_cluster::url(std::size_t seeds) const {
  std::string url = "redis+cluster://";
  if (options_.requirepass) {
    url += ":" + *options_.requirepass + "@";
  }
  for (std::size_t i = 0; i < seeds && i < nodes_.size(); ++i) {
    url += (i ? "," : "") + std::string("127.0.0.1:") + std::to_string(nodes_[i]->port());
  }
  return url;
}

bool redis_cluster::wait_ok(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    bool all_ok = true;
    for (auto& node : nodes_) {
      if (!node->running()) {
        continue;
      }
      const std::string info = node->cli("CLUSTER INFO");
      if (!contains(info, "cluster_state:ok") || !contains(info, "cluster_slots_ok:16384")) {
        all_ok = false;
        break;
      }
    }
    // Every node must also agree on the slot map: `--cluster check` reports that.
    if (all_ok && contains(cli("--cluster check 127.0.0.1:" +
                               std::to_string(nodes_.front()->running() ? nodes_.front()->port()
                                                                        : nodes_.back()->port())),
                           "[OK] All 16384 slots covered")) {
      return true;
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

bool redis_cluster::is_master(redis_server& node) const {
  return node.running() && node.cli("ROLE").starts_with("master");
}

std::string redis_cluster::node_id(const redis_server& node) {
  std::string id = node.cli("CLUSTER MYID");
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) {
    id.pop_back();
  }
  return id;
}

int redis_cluster::slots_served(const redis_server& node) {
  const std::string nodes = node.cli("CLUSTER NODES");
  const auto myself = nodes.find("myself");
  if (myself == std::string::npos) {
    return -1;
  }
  const auto newline_before = nodes.rfind('\n', myself);
  const auto line_start = newline_before == std::string::npos ? 0 : newline_before + 1;
  const std::string line = nodes.substr(line_start, nodes.find('\n', myself) - line_start);
  int count = 0;
  std::size_t field = 0, at = 0;
  while (at <= line.size()) {
    const auto end = std::min(line.find(' ', at), line.size());
    if (field >= 8) {  // slot ranges, "a-b" or "a"
      const std::string range = line.substr(at, end - at);
      const auto dash = range.find('-');
      count += dash == std::string::npos
                   ? 1
                   : std::stoi(range.substr(dash + 1)) - std::stoi(range.substr(0, dash)) + 1;
    }
    ++field;
    at = end + 1;
  }
  return count;
}

redis_server* redis_cluster::other_master(const redis_server* than) {
  for (auto& node : nodes_) {
    if (node.get() != than && node->running() && is_master(*node)) {
      return node.get();
    }
  }
  return nullptr;
}

redis_server* redis_cluster::master_of(std::uint16_t slot) {
  for (auto& node : nodes_) {
    if (!is_master(*node)) {
      continue;
    }
    timeval timeout{2, 0};
    std::unique_ptr<redisContext, void (*)(redisContext*)> context(
        redisConnectWithTimeout("127.0.0.1", node->port(), timeout), &redisFree);
    if (!context || context->err != 0) {
      continue;
    }
    if (options_.requirepass) {
      freeReplyObject(redisCommand(context.get(), "AUTH %s", options_.requirepass->c_str()));
    }
    std::unique_ptr<redisReply, void (*)(void*)> slots(
        static_cast<redisReply*>(redisCommand(context.get(), "CLUSTER SLOTS")), &freeReplyObject);
    if (!slots || slots->type != REDIS_REPLY_ARRAY) {
      continue;
    }
    // Each range: start, end, then the master as [ip, port, id, ...], then its replicas.
    for (std::size_t i = 0; i < slots->elements; ++i) {
      const redisReply* range = slots->element[i];
      if (range->type != REDIS_REPLY_ARRAY || range->elements < 3 ||
          range->element[0]->integer > slot || range->element[1]->integer < slot) {
        continue;
      }
      const redisReply* master = range->element[2];
      if (master->type != REDIS_REPLY_ARRAY || master->elements < 2) {
        return nullptr;
      }
      for (auto& candidate : nodes_) {
        if (candidate->port() == master->element[1]->integer) {
          return candidate.get();
        }
      }
      return nullptr;
    }
    return nullptr;
  }
  return nullptr;
}

std::string redis_cluster::cli(const std::string& args) const {
  for (const auto& node : nodes_) {
    if (node->running()) {
      return node->cli(args.starts_with("--cluster") ? args : "-c " + args);
    }
  }
  return {};
}

}  // namespace atomkv::testing
