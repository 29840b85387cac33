#pragma once
// Store URLs: scheme://[user[:password]@]host[:port][/path][?name=value&...]

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/result.hpp"

namespace atomkv {

struct store_url {
  struct host_port {
    std::string host;
    std::optional<std::uint16_t> port;
    bool operator==(const host_port&) const = default;
  };

  std::string scheme;                   // lower-case, e.g. "redis"
  std::optional<std::string> user;      // percent-decoded
  std::optional<std::string> password;  // percent-decoded
  std::string host;                     // may be empty (redis+unix:///path, sqlite:///path)
  std::optional<std::uint16_t> port;
  // Every host:port of the authority, in order: one, or several separated by commas (the seed
  // nodes of redis+cluster://host:port,host:port); `host` and `port` are the first.
  std::vector<host_port> hosts;
  std::string path;  // from the first '/' after the authority, '/' included
  std::map<std::string, std::string, std::less<>> query;  // percent-decoded
};

// A malformed URL (no "://", a bad port, a bad %-escape) is no-such-store with the reason.
result<store_url> parse_store_url(std::string_view url);

// The URL as given, with its secrets replaced by "***" so that it can be shown and logged: the
// password of the authority (user:password@, even when the URL is malformed) and the value of
// any query parameter whose name contains "pass", "secret" or "token" (?password=...).
std::string redact_store_url(std::string_view url);

}  // namespace atomkv
