#include "options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "atomkv/url.hpp"
#include "cpu_budget.hpp"

namespace atomkv::proxy {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A decimal integer as Redis's string2ll reads it: no sign but '-', no leading zeros, no spaces.
std::optional<long long> parse_integer(std::string_view text) {
  if (text.empty() || text.size() > 20) {
    return std::nullopt;
  }
  std::string_view digits = text.front() == '-' ? text.substr(1) : text;
  if (digits.empty() || (digits.front() == '0' && text.size() != 1)) {
    return std::nullopt;
  }
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::string out_of_range(long long low, long long high) {
  return "argument must be between " + std::to_string(low) + " and " + std::to_string(high) +
         " inclusive";
}

// An integer setting within [low, high], in Redis's words when it is not.
template <class T>
std::string set_integer(T& field, const std::string& text, long long low, long long high) {
  auto value = parse_integer(text);
  if (!value) {
    return "argument couldn't be parsed into an integer";
  }
  if (*value < low || *value > high) {
    return out_of_range(low, high);
  }
  field = static_cast<T>(*value);
  return {};
}

std::string set_size(std::size_t& field, const std::string& text, std::size_t low) {
  auto value = parse_size(text);
  if (!value) {
    return "argument must be a memory value";
  }
  if (*value < low) {
    return out_of_range(static_cast<long long>(low), std::numeric_limits<long long>::max());
  }
  field = *value;
  return {};
}

std::string show_limit(const output_buffer_limit& limit) {
  return std::to_string(limit.hard) + " " + std::to_string(limit.soft) + " " +
         std::to_string(limit.soft_seconds);
}

// Redis's "class hard soft soft_seconds [class ...]", or a size alone (the normal class's hard
// limit, as earlier versions of the proxy took it). Nothing changes when any part is wrong.
std::string set_output_buffer_limit(options& o, const std::string& text) {
  std::istringstream words(text);
  std::vector<std::string> parts;
  for (std::string word; words >> word;) {
    parts.push_back(word);
  }
  if (parts.size() == 1) {
    auto size = parse_size(parts[0]);
    if (!size) {
      return "argument must be a memory value";
    }
    o.client_output_buffer_limit = *size;
    return {};
  }
  if (parts.empty() || parts.size() % 4 != 0) {
    return "Wrong number of arguments in buffer limit configuration.";
  }
  options changed = o;
  for (std::size_t i = 0; i < parts.size(); i += 4) {
    std::string name = lower(parts[i]);
    output_buffer_limit* target = nullptr;
    output_buffer_limit normal{};
    if (name == "normal") {
      target = &normal;
    } else if (name == "slave" || name == "replica") {
      target = &changed.replica_limit;
    } else if (name == "pubsub") {
      target = &changed.pubsub_limit;
    } else {
      return "Invalid client class specified in buffer limit configuration.";
    }
    auto hard = parse_size(parts[i + 1]);
    auto soft = parse_size(parts[i + 2]);
    auto seconds = parse_integer(parts[i + 3]);
    if (!hard || !soft || !seconds || *seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    *target = {*hard, *soft, static_cast<std::uint64_t>(*seconds)};
    if (target == &normal) {
      changed.client_output_buffer_limit = normal.hard;
      changed.normal_soft_limit = normal;
    }
  }
  o = changed;
  return {};
}

constexpr long long kUintMax = 4294967295LL;
constexpr long long kIntMax = 2147483647LL;

const setting kSettings[] = {
    {"bind", false,
     [](options& o, const std::string& v) {
       o.bind = v;
       return std::string();
     },
     [](const options& o) { return o.bind; }},
    {"port", false,
     [](options& o, const std::string& v) { return set_integer(o.port, v, 1, 65535); },
     [](const options& o) { return std::to_string(o.port); }},
    {"backend", false,
     [](options& o, const std::string& v) {
       o.backend = v;
       return std::string();
     },
     // Shown, never with its password (it may be the backend's own).
     [](const options& o) { return redact_backend(o.backend); }},
    {"backend-fail-fast", false,
     [](options& o, const std::string& v) {
       if (v != "yes" && v != "no") {
         return std::string("argument must be 'yes' or 'no'");
       }
       o.backend_fail_fast = v == "yes";
       return std::string();
     },
     [](const options& o) { return std::string(o.backend_fail_fast ? "yes" : "no"); }},
    {"requirepass", true,
     [](options& o, const std::string& v) {
       o.requirepass = v;
       return std::string();
     },
     [](const options& o) { return o.requirepass; }},
    {"maxclients", true,
     [](options& o, const std::string& v) { return set_integer(o.maxclients, v, 1, kUintMax); },
     [](const options& o) { return std::to_string(o.maxclients); }},
    {"max-transaction-connections", true,
     [](options& o, const std::string& v) {
       return set_integer(o.max_transaction_connections, v, 1, kUintMax);
     },
     [](const options& o) { return std::to_string(o.max_transaction_connections); }},
    {"timeout", true,
     [](options& o, const std::string& v) { return set_integer(o.timeout, v, 0, kIntMax); },
     [](const options& o) { return std::to_string(o.timeout); }},
    {"databases", false,
     [](options& o, const std::string& v) { return set_integer(o.databases, v, 1, kIntMax); },
     [](const options& o) { return std::to_string(o.databases); }},
    {"client-output-buffer-limit", true, set_output_buffer_limit,
     [](const options& o) {
       output_buffer_limit normal = o.normal_soft_limit;
       normal.hard = o.client_output_buffer_limit;
       return "normal " + show_limit(normal) + " slave " + show_limit(o.replica_limit) +
              " pubsub " + show_limit(o.pubsub_limit);
     }},
    {"client-query-buffer-limit", true,
     [](options& o, const std::string& v) { return set_size(o.client_query_buffer_limit, v, 1); },
     [](const options& o) { return std::to_string(o.client_query_buffer_limit); }},
    {"maxmemory", true,
     [](options& o, const std::string& v) { return set_size(o.maxmemory, v, 0); },
     [](const options& o) { return std::to_string(o.maxmemory); }},
    {"min-replicas-to-write", true,
     [](options& o, const std::string& v) {
       return set_integer(o.min_replicas_to_write, v, 0, kIntMax);
     },
     [](const options& o) { return std::to_string(o.min_replicas_to_write); }},
    {"min-replicas-max-lag", true,
     [](options& o, const std::string& v) {
       return set_integer(o.min_replicas_max_lag, v, 0, kIntMax);
     },
     [](const options& o) { return std::to_string(o.min_replicas_max_lag); }},
    {"proto-max-bulk-len", false,
     [](options& o, const std::string& v) { return set_size(o.proto_max_bulk_len, v, 1); },
     [](const options& o) { return std::to_string(o.proto_max_bulk_len); }},
    {"busy-poll", false,
     [](options& o, const std::string& v) { return set_integer(o.busy_poll_us, v, 0, 1000000); },
     [](const options& o) { return std::to_string(o.busy_poll_us); }},
};

// Applies one setting at start-up; returns an error message, empty when fine.
std::string apply(options& o, const std::string& raw_name, const std::string& value) {
  const setting* s = find_setting(raw_name);
  if (s == nullptr) {
    return "unknown option '" + raw_name + "'";
  }
  auto problem = s->set(o, value);
  if (problem.empty()) {
    return {};
  }
  // The value may be a secret: never repeat it.
  const bool secret = s->name == "requirepass" || s->name == "backend";
  return "bad value for '" + raw_name + "'" + (secret ? std::string() : ": '" + value + "'") +
         " (" + problem + ")";
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

// The settings that may come from the environment, so that secrets need not be on a command
// line (which every user of the machine can read in /proc).
const std::pair<const char*, const char*> kEnvironment[] = {
    {"ATOMKV_BACKEND", "backend"},
    {"ATOMKV_REQUIREPASS", "requirepass"},
};

}  // namespace

std::optional<std::size_t> parse_size(std::string_view raw) {
  std::string text = lower(raw);
  std::size_t multiplier = 1;
  const std::pair<const char*, std::size_t> suffixes[] = {{"gb", std::size_t{1} << 30},
                                                          {"mb", std::size_t{1} << 20},
                                                          {"kb", std::size_t{1} << 10},
                                                          {"g", 1000000000},
                                                          {"m", 1000000},
                                                          {"k", 1000},
                                                          {"b", 1}};
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
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  if (value > std::numeric_limits<std::size_t>::max() / multiplier) {
    return std::nullopt;  // 20000000000gb is a mistake, not a limit that wrapped around
  }
  return value * multiplier;
}

std::string redact_backend(std::string_view url) {
  return redact_store_url(url);
}

const setting* find_setting(std::string_view name) {
  std::string wanted = lower(name);
  for (const auto& s : kSettings) {
    if (s.name == wanted) {
      return &s;
    }
  }
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> options::as_config() const {
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto& s : kSettings) {
    all.emplace_back(std::string(s.name), s.get(*this));
  }
  // Asked for by redis-benchmark and other tools at start; atomkv has neither.
  all.emplace_back("save", "");
  all.emplace_back("appendonly", "no");
  return all;
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
  for (const auto& [variable, name] : kEnvironment) {
    if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') {
      if (auto problem = apply(parsed.values, name, value); !problem.empty()) {
        parsed.error = std::string(variable) + ": " + problem;
        return parsed;
      }
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
                                   (also $ATOMKV_BACKEND; shown and logged without its password)
  --backend-fail-fast yes|no       exit at start if the backend cannot be reached (default no:
                                   serve at once; data commands fail until it is reachable)
  --requirepass PASSWORD           clients must AUTH first (also $ATOMKV_REQUIREPASS)
  --maxclients N                   most connected clients (default 10000)
  --max-transaction-connections N  most clients holding WATCHed keys at once, each of which may
                                   hold a backend connection of its own (default 1000); WATCH
                                   past it is refused with an error
  --timeout SECONDS                close clients idle this long (default 0: never)
  --databases N                    SELECT range (default 16)
  --client-output-buffer-limit B   disconnect a client whose unread replies exceed B (256mb;
                                   0: no limit); Redis's "normal HARD SOFT SECONDS ..." also works
  --client-query-buffer-limit B    disconnect a client whose input not yet run, with what
                                   MULTI queued, exceeds B (1gb)
  --proto-max-bulk-len B           longest argument accepted (512mb)
  --maxmemory B                    past B of resident memory refuse writes that may grow it
                                   (Redis's OOM error, policy noeviction; default 0: no limit)
  --min-replicas-to-write N        with N > 0 refuse every write (NOREPLICAS): no replicas here
  --min-replicas-max-lag SECONDS   0 turns min-replicas-to-write off (default 10)
  --busy-poll MICROSECONDS         keep polling this long after a client's input before the
                                   loop sleeps (default 20; 0 on a single CPU, or to turn it off)
  --config FILE                    read settings from FILE first
  --help                           this text

Sizes take Redis's suffixes: k, kb, m, mb, g, gb. Secrets need not be on the command line, where
any local user can read them: put them in the --config file or the environment. The command line
wins over the file, and the file over the environment. CONFIG SET changes requirepass, timeout,
maxclients, max-transaction-connections, maxmemory, the min-replicas settings and the client
buffer limits while the proxy runs.
)";
}

}  // namespace atomkv::proxy
