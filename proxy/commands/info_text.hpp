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

// One line of the Keyspace section: a non-empty database's keys, keys with a deadline, and their
// mean time left in ms.
struct keyspace_line {
  std::size_t db = 0;
  std::int64_t keys = 0;
  std::int64_t expires = 0;
  std::int64_t avg_ttl = 0;
  bool operator<(const keyspace_line& other) const { return db < other.db; }
};
using keyspace_counts = std::vector<keyspace_line>;

// What INFO asks the backend: the Keyspace lines, and the keys expired so far (Stats).
struct info_figures {
  keyspace_counts keyspace;
  std::int64_t expired_keys = 0;
};

std::string info_text(client& c, const info_request& which, const info_figures& figures);

}  // namespace atomkv::proxy
