// WAIT numreplicas timeout. The proxy is a master without replicas, as INFO replication shows on
// every backend, so no replica ever acknowledges a write through it: WAIT answers 0 at once when
// that is enough (numreplicas of 0 or less, or inside EXEC), and otherwise blocks the client
// until its timeout, then answers 0, as redis-server 7.0.15's waitCommand does with no replica
// connected. A timeout of 0 blocks until the client leaves.

#include "replication.hpp"

#include <memory>
#include <string>
#include <variant>

#include "../client.hpp"
#include "../redis_errors.hpp"
#include "../server.hpp"
#include "parse.hpp"

namespace atomkv::proxy {
namespace replication_family {
namespace {

struct wait_request {
  std::int64_t replicas;
  std::int64_t timeout_ms;  // 0: no timeout
};

// The arguments in waitCommand's order, or the line Redis answers instead.
std::variant<wait_request, std::string_view> parse_wait(args_view a) {
  const auto replicas = parse_integer(a[1]);
  if (!replicas) {
    return errors::not_integer;
  }
  const auto timeout = parse_integer(a[2]);
  if (!timeout) {
    return std::string_view("ERR timeout is not an integer or out of range");
  }
  if (*timeout < 0) {
    return std::string_view("ERR timeout is negative");
  }
  return wait_request{*replicas, *timeout};
}

constexpr std::int64_t kAcknowledgingReplicas = 0;

}  // namespace

void run_wait(client& c, args_view a) {
  const auto parsed = parse_wait(a);
  if (const auto* error = std::get_if<std::string_view>(&parsed)) {
    c.reply().error(*error);
    return;
  }
  const auto request = std::get<wait_request>(parsed);
  if (kAcknowledgingReplicas >= request.replicas) {
    c.reply().integer(kAcknowledgingReplicas);
    return;
  }
  // Blocked: this client's later commands wait behind the ticket, as behind a blocked command.
  const auto ticket = c.defer();
  c.state().blocked = true;
  if (request.timeout_ms == 0) {
    return;  // until the client closes, which drops the ticket
  }
  c.owner().timed().add(c.id(), static_cast<std::uint64_t>(request.timeout_ms),
                        [weak = std::weak_ptr<client>(c.shared_from_this()), ticket] {
                          if (auto waiting = weak.lock()) {
                            waiting->state().blocked = false;
                            waiting->fulfil(ticket, [](resp::reply_writer& out) {
                              out.integer(kAcknowledgingReplicas);
                            });
                          }
                        });
}

// Inside EXEC, Redis's WAIT never blocks: it answers the acknowledgements there are.
exec_finish plan_wait_in_exec(client& c, std::size_t, args_view a, plan_builder&) {
  std::string encoded;
  resp::reply_writer out(encoded, c.state().proto);
  const auto parsed = parse_wait(a);
  if (const auto* error = std::get_if<std::string_view>(&parsed)) {
    out.error(*error);
  } else {
    out.integer(kAcknowledgingReplicas);
  }
  return [encoded = std::move(encoded)](const std::vector<op_result>&, exec_reply reply) {
    reply(encoded);
  };
}

}  // namespace replication_family
}  // namespace atomkv::proxy
