#include "client_context.hpp"

#include "client.hpp"
#include "commands/client_info.hpp"
#include "server.hpp"

namespace atomkv::proxy {

client_context::client_context(client& c)
    : client_(c), context_{c.state(), c.owner().mutable_config(), *this} {}

std::uint64_t client_context::id() const {
  return client_.id();
}

std::string client_context::describe_self() const {
  return describe_client(client_);
}

std::string client_context::describe_every_client() const {
  std::string all;
  for (const auto& [id, other] : client_.owner().clients()) {
    all += describe_client(*other);
  }
  return all;
}

void client_context::close_after_replies() {
  client_.close_after_replies();
}

}  // namespace atomkv::proxy
