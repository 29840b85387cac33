#include "sqlite_config.hpp"

#include <charconv>
#include <filesystem>
#include <system_error>

namespace atomkv::sqlite {
namespace {

result<std::uint64_t> parse_number(std::string_view name, std::string_view text, std::uint64_t low,
                                   std::uint64_t high) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return failure(error::no_such_store("sqlite: " + std::string(name) +
                                        " must be an integer from " + std::to_string(low) + " to " +
                                        std::to_string(high)));
  }
  return value;
}

}  // namespace

std::string config::identity() const {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  std::string id = ec ? path : canonical.string();
  id += synchronous == sync_level::full ? "?full" : "?normal";
  id += "&" + std::to_string(busy_timeout.count()) + "&" + std::to_string(max_group);
  return id;
}

result<config> parse_config(const store_url& url) {
  if (url.user || url.password || url.port) {
    return failure(error::no_such_store("sqlite:// takes a file path, not a user or a port"));
  }
  config parsed;
  parsed.path = url.host + url.path;
  if (parsed.path.empty() || parsed.path == "/" || parsed.path.back() == '/') {
    return failure(error::no_such_store(
        "sqlite:// needs a file: sqlite:///abs/path.db or sqlite://./relative.db"));
  }
  for (const auto& [name, value] : url.query) {
    if (name == "synchronous") {
      if (value == "full" || value == "FULL") {
        parsed.synchronous = config::sync_level::full;
      } else if (value == "normal" || value == "NORMAL") {
        parsed.synchronous = config::sync_level::normal;
      } else {
        return failure(error::no_such_store("sqlite: synchronous must be full or normal"));
      }
    } else if (name == "busy_timeout_ms") {
      BOOST_OUTCOME_TRY(ms, parse_number(name, value, 1, 24 * 3600 * 1000));
      parsed.busy_timeout = std::chrono::milliseconds(ms);
    } else if (name == "max_group") {
      BOOST_OUTCOME_TRY(n, parse_number(name, value, 1, 1000000));
      parsed.max_group = n;
    } else {
      return failure(error::no_such_store("sqlite: unknown option '" + name + "'"));
    }
  }
  return parsed;
}

}  // namespace atomkv::sqlite
