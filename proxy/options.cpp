#include "options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "cpu_budget.hpp"

namespace atomkv::proxy {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A count of bytes with Redis's suffixes: 1k = 1000, 1kb = 1024, likewise m/mb and g/gb.
bool parse_size(std::string text, std::size_t& out) {
  text = lower(text);
  std::size_t multiplier = 1;
  const std::pair<const char*, std::size_t> suffixes[] = {{"gb", std::size_t{1} << 30},
                                                          {"mb", std::size_t{1} << 20},
                                                          {"kb", std::size_t{1} << 10},
                                                          {"g", 1000000000},
                                                          {"m", 1000000},
                                                          {"k", 1000}};
  for (const auto& [suffix, factor] : suffixes) {
    std::string_view s(suffix);
    if (text.size() > s.size() && text.ends_with(s)) {
      multiplier = factor;
      text.resize(text.size() - s.size());
      break;
    }
  }
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return false;
  }
  out = value * multiplier;
  return true;
}

template <class T>
bool parse_number(const std::string& text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Applies one setting; returns an error message, empty when fine.
std::string apply(options& o, const std::string& raw_name, const std::string& value) {
  std::string name = lower(raw_name);
  bool ok = true;
  if (name == "bind") {
    o.bind = value;
  } else if (name == "port") {
    ok = parse_number(value, o.port) && o.port != 0;
  } else if (name == "backend") {
    o.backend = value;
  } else if (name == "requirepass") {
    o.requirepass = value;
  } else if (name == "maxclients") {
    ok = parse_number(value, o.maxclients) && o.maxclients > 0;
  } else if (name == "timeout") {
    ok = parse_number(value, o.timeout);
  } else if (name == "databases") {
    ok = parse_number(value, o.databases) && o.databases > 0;
  } else if (name == "client-output-buffer-limit") {
    ok = parse_size(value, o.client_output_buffer_limit);
  } else if (name == "client-query-buffer-limit") {
    ok = parse_size(value, o.client_query_buffer_limit);
  } else if (name == "proto-max-bulk-len") {
    ok = parse_size(value, o.proto_max_bulk_len);
  } else if (name == "busy-poll") {
    ok = parse_number(value, o.busy_poll_us) && o.busy_poll_us <= 1000000;
  } else {
    return "unknown option '" + raw_name + "'";
  }
  return ok ? std::string() : "bad value for '" + raw_name + "': '" + value + "'";
}

std::string apply_file(options& o, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return "cannot read config file '" + path + "'";
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::istringstream words(line);
    std::string name;
    if (!(words >> name) || name.starts_with("#")) {
      continue;
    }
    std::string value;
    std::getline(words >> std::ws, value);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
      value.pop_back();
    }
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (auto problem = apply(o, name, value); !problem.empty()) {
      return path + ":" + std::to_string(number) + ": " + problem;
    }
  }
  return {};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> options::as_config() const {
  return {
      {"bind", bind},
      {"port", std::to_string(port)},
      {"backend", backend},
      {"requirepass", requirepass},
      {"maxclients", std::to_string(maxclients)},
      {"timeout", std::to_string(timeout)},
      {"databases", std::to_string(databases)},
      {"client-output-buffer-limit", std::to_string(client_output_buffer_limit)},
      {"client-query-buffer-limit", std::to_string(client_query_buffer_limit)},
      {"proto-max-bulk-len", std::to_string(proto_max_bulk_len)},
      {"busy-poll", std::to_string(busy_poll_us)},
      // Asked for by redis-benchmark and other tools at start; atomkv has neither.
      {"save", ""},
      {"appendonly", "no"},
  };
}

parsed_options parse_options(int argc, char** argv) {
  parsed_options parsed;
  if (usable_cpus() < 2) {
    parsed.values.busy_poll_us = 0;  // polling would only take the clients' one CPU
  }
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      parsed.show_help = true;
      return parsed;
    }
    if (!arg.starts_with("--") || i + 1 >= argc) {
      parsed.error = "expected --name value, got '" + arg + "'";
      return parsed;
    }
    std::string value = argv[++i];
    if (arg == "--config") {
      config_file = value;
    } else {
      flags.emplace_back(arg.substr(2), value);
    }
  }
  if (!config_file.empty()) {
    parsed.error = apply_file(parsed.values, config_file);
    if (!parsed.error.empty()) {
      return parsed;
    }
  }
  for (const auto& [name, value] : flags) {
    parsed.error = apply(parsed.values, name, value);
    if (!parsed.error.empty()) {
      return parsed;
    }
  }
  return parsed;
}

std::string usage() {
  return R"(Usage: atomkv-proxy [--name value ...]

A Redis-protocol server: Redis clients get atomic key-value semantics over any atomkv backend.

Options (also accepted as "name value" lines in a --config file):
  --port N                         TCP port (default 6380)
  --bind ADDRESS                   address to listen on (default 127.0.0.1)
  --backend URL                    memory:// (default), or another built-in store URL
  --requirepass PASSWORD           clients must AUTH first
  --maxclients N                   most connected clients (default 10000)
  --timeout SECONDS                close clients idle this long (default 0: never)
  --databases N                    SELECT range (default 16)
  --client-output-buffer-limit B   disconnect a client whose unread replies exceed B (256mb)
  --client-query-buffer-limit B    disconnect a client whose input not yet run, with what
                                   MULTI queued, exceeds B (1gb)
  --proto-max-bulk-len B           longest argument accepted (512mb)
  --busy-poll MICROSECONDS         keep polling this long after a client's input before the
                                   loop sleeps (default 20; 0 on a single CPU, or to turn it off)
  --config FILE                    read settings from FILE first
  --help                           this text
)";
}

}  // namespace atomkv::proxy
