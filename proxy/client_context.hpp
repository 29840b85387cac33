#pragma once
// The command_context of a connected client: its session, its server's settings, and its
// connection's acts.

#include "command_context.hpp"

namespace atomkv::proxy {

class client;

class client_context final : private connection_acts {
 public:
  explicit client_context(client& c);
  client_context(const client_context&) = delete;
  client_context& operator=(const client_context&) = delete;

  command_context& get() { return context_; }

 private:
  std::uint64_t id() const override;
  std::string describe_self() const override;
  std::string describe_every_client() const override;
  void close_after_replies() override;

  client& client_;
  command_context context_;
};

}  // namespace atomkv::proxy
