// SWAPDB index1 index2: the two databases trade their keys (operation::swap_databases), applied
// by the first one's bucket. Inside EXEC it runs once the batch has committed, as FLUSHALL's
// other databases do, since the swap is a step of its own on every backend.

#include <limits>
#include <string>
#include <variant>

#include "../client.hpp"
#include "../command_table.hpp"
#include "../dispatch.hpp"
#include "../redis_errors.hpp"
#include "../server.hpp"
#include "parse.hpp"
#include "server_info.hpp"

namespace atomkv::proxy {
namespace server_family {
namespace {

struct swap_request {
  std::size_t first = 0;
  std::size_t second = 0;
};

// swapdbCommand's checks in its order: cluster mode, each index as getIntFromObjectOrReply reads
// it (any failure answers the index's own line), then both ranges.
std::variant<swap_request, std::string_view> parse_swapdb(args_view a, const options& config) {
  if (config.cluster_mode()) {
    return errors::swapdb_in_cluster;
  }
  auto as_int = [](std::string_view text) -> std::optional<std::int64_t> {
    auto n = parse_integer(text);
    if (!n || *n < std::numeric_limits<int>::min() || *n > std::numeric_limits<int>::max()) {
      return std::nullopt;
    }
    return n;
  };
  auto first = as_int(a[1]);
  if (!first) {
    return errors::swapdb_invalid_first;
  }
  auto second = as_int(a[2]);
  if (!second) {
    return errors::swapdb_invalid_second;
  }
  const auto databases = static_cast<std::int64_t>(config.databases);
  if (*first < 0 || *first >= databases || *second < 0 || *second >= databases) {
    return errors::db_out_of_range;
  }
  return swap_request{static_cast<std::size_t>(*first), static_cast<std::size_t>(*second)};
}

// Swaps the two databases and calls `done` with the reply's error line, or nothing for OK.
void swap(client& c, swap_request request,
          std::function<void(std::optional<std::string> failed)> done) {
  if (request.first == request.second) {
    done(std::nullopt);  // Redis answers OK and changes nothing
    return;
  }
  std::string problem;
  // The second is opened too, so that INFO keyspace lists it once it holds the keys.
  auto bucket = c.owner().bucket(request.first, problem);
  if (!bucket || !c.owner().bucket(request.second, problem)) {
    done("ERR " + problem);
    return;
  }
  const operation op = operation::swap_databases(request.first, request.second);
  bucket->apply_async(std::span<const operation>(&op, 1), c.lane(),
                      [done = std::move(done)](result<std::vector<op_result>> swapped) {
                        if (!swapped) {
                          done(backend_error_line(swapped.error()));
                        } else if (swapped.value().at(0).what == op_result::kind::error) {
                          done(swapped.value()[0].text);
                        } else {
                          done(std::nullopt);
                        }
                      });
}

std::string encoded_reply(resp::protocol proto, const std::optional<std::string>& failed) {
  std::string bytes;
  resp::reply_writer out(bytes, proto);
  if (failed) {
    out.error(*failed);
  } else {
    out.simple("OK");
  }
  return bytes;
}

}  // namespace

bool swapdb_swaps(args_view a, const options& config) {
  auto parsed = parse_swapdb(a, config);
  auto* request = std::get_if<swap_request>(&parsed);
  return request != nullptr && request->first != request->second;
}

void run_swapdb_deferred(client& c, args_view a) {
  auto parsed = parse_swapdb(a, c.owner().config());
  if (auto* line = std::get_if<std::string_view>(&parsed)) {
    c.reply().error(*line);
    return;
  }
  auto ticket = c.defer();
  swap(c, std::get<swap_request>(parsed),
       [requester = c.shared_from_this(), ticket](std::optional<std::string> failed) {
         requester->fulfil(ticket, [&](resp::reply_writer& out) {
           if (failed) {
             out.error(*failed);
           } else {
             out.simple("OK");
           }
         });
       });
}

exec_finish plan_swapdb_in_exec(client& c, std::size_t, args_view a, plan_builder&) {
  const auto proto = c.state().proto;
  auto parsed = parse_swapdb(a, c.owner().config());
  if (auto* line = std::get_if<std::string_view>(&parsed)) {
    return [proto, failed = std::string(*line)](const std::vector<op_result>&, exec_reply reply) {
      reply(encoded_reply(proto, failed));
    };
  }
  return [requester = c.shared_from_this(), request = std::get<swap_request>(parsed), proto](
             const std::vector<op_result>&, exec_reply reply) {
    swap(*requester, request, [proto, reply](std::optional<std::string> failed) {
      reply(encoded_reply(proto, failed));
    });
  };
}

}  // namespace server_family
}  // namespace atomkv::proxy
