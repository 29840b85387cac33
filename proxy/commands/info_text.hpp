#pragma once
// INFO's text: the sections Redis 7.0 has, in its order, with its field names, filled with what
// the proxy knows (and Redis's values for what it has no part of: replication, persistence).

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../command_table.hpp"

namespace atomkv::proxy {

class client;

// Which sections INFO's arguments ask for, as Redis 7.0's genInfoSectionDict reads them: none
// is "default"; "all" is every section, "everything" too (Redis adds its modules' sections);
// names in any case, several at once.
struct info_request {
  std::set<std::string> names;  // lower case
  bool all = false;

  static info_request of(args_view args);  // args[0] is INFO
  bool wants(std::string_view section) const;
};

// The Keyspace section's figures: database number and key count, for non-empty databases.
using keyspace_counts = std::vector<std::pair<std::size_t, std::int64_t>>;

std::string info_text(client& c, const info_request& which, const keyspace_counts& counts);

}  // namespace atomkv::proxy
