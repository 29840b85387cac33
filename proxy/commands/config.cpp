// CONFIG GET, CONFIG SET and CONFIG HELP, with Redis 7.0's replies. The settings are those of
// options.hpp; CONFIG SET changes the ones that may change while the proxy runs, all of the
// pairs or none, and answers as Redis does for the others.

#include <algorithm>

#include "../command_context.hpp"
#include "../command_table.hpp"
#include "../redis_errors.hpp"
#include "../server.hpp"
#include "atomkv/glob.hpp"
#include "config.hpp"
#include "help_reply.hpp"
#include "parse.hpp"

namespace atomkv::proxy {
namespace config_family {

// CONFIG GET parameter [parameter ...]: every setting whose name matches one of the patterns.
void run_config_get(command_context& c, args_view a, resp::reply_writer& out) {
  auto settings = c.settings.as_config();
  std::vector<const std::pair<std::string, std::string>*> matched;
  for (const auto& setting : settings) {
    for (std::size_t i = 2; i < a.size(); ++i) {
      std::string pattern(a[i]);
      std::transform(pattern.begin(), pattern.end(), pattern.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (glob_match(pattern, setting.first)) {
        matched.push_back(&setting);
        break;
      }
    }
  }
  out.map_header(matched.size());
  for (const auto* setting : matched) {
    out.bulk(setting->first);
    out.bulk(setting->second);
  }
}

std::string set_failed(std::string_view name, std::string_view why) {
  std::string line = "ERR CONFIG SET failed (possibly related to argument '";
  line.append(name);
  line.append("')");
  if (!why.empty()) {
    line.append(" - ");
    line.append(why);
  }
  return line;
}

// The changes that take effect beyond the settings themselves; Redis's reason when the system
// refuses them (the descriptor limit for more clients or transactions), else empty.
std::string apply_changes(const options& before, const options& after, std::string& culprit) {
  if (after.descriptors_needed() <= before.descriptors_needed()) {
    return {};
  }
  if (raise_open_file_limit(after.descriptors_needed()).empty()) {
    return {};
  }
  culprit = after.maxclients != before.maxclients ? "maxclients" : "max-transaction-connections";
  const std::size_t limit = open_file_limit();
  const std::size_t others = after.max_transaction_connections + 64;
  const std::size_t clients = limit > others ? limit - others : 0;
  return "The operating system is not able to handle the specified number of clients, try "
         "with " +
         std::to_string(culprit == "maxclients"
                            ? clients
                            : (limit > after.maxclients + 64 ? limit - after.maxclients - 64 : 0));
}

// CONFIG SET parameter value [parameter value ...], as Redis 7.0's configSetCommand: every
// name is looked up first (unknown, immutable or repeated: nothing changes), then every value
// is set on a copy, which replaces the settings only when all of them are good.
void run_config_set(command_context& c, args_view a, resp::reply_writer& out) {
  if (a.size() % 2 != 0) {
    out.error(errors::syntax);
    return;
  }
  // The first wrong name answers, as in Redis: unknown, immutable or given twice.
  std::vector<const setting*> found;
  for (std::size_t i = 2; i < a.size(); i += 2) {
    const setting* s = find_setting(a[i]);
    if (s == nullptr) {
      out.error("ERR Unknown option or number of arguments for CONFIG SET - '" + std::string(a[i]) +
                "'");
      return;
    }
    if (!s->run_time) {
      out.error(set_failed(a[i], "can't set immutable config"));
      return;
    }
    if (std::find(found.begin(), found.end(), s) != found.end()) {
      out.error(set_failed(a[i], "duplicate parameter"));
      return;
    }
    found.push_back(s);
  }
  options changed = c.settings;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (auto problem = found[i]->set(changed, std::string(a[3 + 2 * i])); !problem.empty()) {
      out.error(set_failed(found[i]->name, problem));
      return;
    }
  }
  std::string culprit;
  if (auto problem = apply_changes(c.settings, changed, culprit); !problem.empty()) {
    out.error(set_failed(culprit, problem));
    return;
  }
  c.settings = std::move(changed);
  out.simple("OK");
}

void run_config_help(command_context&, args_view, resp::reply_writer& out) {
  write_help(
      {
          "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
          "GET <pattern>",
          "    Return parameters matching the glob-like <pattern> and their values.",
          "SET <directive> <value>",
          "    Set the configuration <directive> to <value>.",
          "HELP",
          "    Prints this help.",
      },
      out);
}

}  // namespace config_family

}  // namespace atomkv::proxy
