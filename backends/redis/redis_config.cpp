#include "redis_config.hpp"

#include <charconv>

namespace atomkv::redis {
namespace {

result<long long> parse_number(std::string_view name, std::string_view text, long long low,
                               long long high) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return failure(error::no_such_store("bad " + std::string(name) + " in redis URL: '" +
                                        std::string(text) + "'"));
  }
  return value;
}

result<std::chrono::milliseconds> parse_millis(std::string_view name, std::string_view text) {
  BOOST_OUTCOME_TRY(ms, parse_number(name, text, 1, 24LL * 3600 * 1000));
  return std::chrono::milliseconds(ms);
}

}  // namespace

std::string config::endpoint() const {
  if (!unix_path.empty()) {
    return unix_path;
  }
  return host + ":" + std::to_string(port);
}

result<config> parse_config(const store_url& url) {
  config out;
  out.user = url.user;
  out.password = url.password;
  if (url.hosts.size() > 1) {
    return failure(error::no_such_store(
        "a " + url.scheme + ":// URL names one server; a list of seed nodes is redis+cluster://"));
  }
  if (url.scheme == "redis+unix") {
    if (!url.host.empty() || url.port) {
      return failure(error::no_such_store(
          "redis+unix:// takes a socket path, as in redis+unix:///run/redis.sock"));
    }
    if (url.path.size() < 2) {
      return failure(error::no_such_store("redis+unix:// needs a socket path"));
    }
    out.unix_path = url.path;
  } else if (url.scheme == "redis") {
    if (!url.host.empty()) {
      out.host = url.host;
    }
    if (url.port) {
      out.port = *url.port;
    }
    if (!url.path.empty() && url.path != "/") {
      BOOST_OUTCOME_TRY(db,
                        parse_number("database", std::string_view(url.path).substr(1), 0, 1 << 20));
      out.db = static_cast<int>(db);
    }
  } else {
    return failure(error::no_such_store("not a redis URL scheme: " + url.scheme));
  }

  for (const auto& [name, value] : url.query) {
    if (name == "connect_timeout_ms") {
      BOOST_OUTCOME_TRY(ms, parse_millis(name, value));
      out.connect_timeout = ms;
    } else if (name == "command_timeout_ms") {
      BOOST_OUTCOME_TRY(ms, parse_millis(name, value));
      out.command_timeout = ms;
    } else if (name == "probe_after_ms") {
      BOOST_OUTCOME_TRY(ms, parse_millis(name, value));
      out.probe_after = ms;
    } else if (name == "pool_wait_ms") {
      BOOST_OUTCOME_TRY(ms, parse_millis(name, value));
      out.pool_wait = ms;
    } else if (name == "pool_size") {
      BOOST_OUTCOME_TRY(size, parse_number(name, value, 1, 4096));
      out.pool_size = static_cast<std::size_t>(size);
    } else if (name == "shared_connections") {
      BOOST_OUTCOME_TRY(count, parse_number(name, value, 1, 64));
      out.shared_connections = static_cast<std::size_t>(count);
    } else if (name == "db") {
      BOOST_OUTCOME_TRY(db, parse_number("database", value, 0, 1 << 20));
      out.db = static_cast<int>(db);
    } else if (name == "password") {
      out.password = value;
    } else if (name == "user") {
      out.user = value;
    } else {
      return failure(error::no_such_store("unknown option in redis URL: " + name));
    }
  }
  if (out.user && !out.password) {
    return failure(error::no_such_store("redis URL names a user without a password"));
  }
  return out;
}

}  // namespace atomkv::redis
