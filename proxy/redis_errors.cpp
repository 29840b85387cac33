#include "redis_errors.hpp"

#include <algorithm>
#include <cctype>

namespace atomkv::proxy::errors {
namespace {

// Redis writes error lines with "%.128s", which also stops at a NUL byte, and replaces CR and
// LF so the line stays one line.
void append_clipped(std::string& out, std::string_view text, std::size_t limit) {
  for (char c : text.substr(0, std::min(text.size(), limit))) {
    if (c == '\0') {
      return;
    }
    out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  }
}

}  // namespace

std::string wrong_arity(std::string_view name) {
  std::string line = "ERR wrong number of arguments for '";
  line.append(name);
  line.append("' command");
  return line;
}

std::string invalid_expire_time(std::string_view name) {
  std::string line = "ERR invalid expire time in '";
  line.append(name);
  line.append("' command");
  return line;
}

std::string unsupported_option(std::string_view option) {
  std::string line = "ERR Unsupported option ";
  line.append(option.substr(0, option.find('\0')));
  return line;
}

std::string unknown_command(std::string_view name, const std::string_view* args, std::size_t n) {
  std::string line = "ERR unknown command '";
  append_clipped(line, name, 128);
  line.append("', with args beginning with: ");
  // Redis appends "'arg' " while the list is shorter than 128 bytes, each clipped to what is left.
  std::size_t listed = 0;
  for (std::size_t i = 0; i < n && listed < 128; ++i) {
    std::size_t before = line.size();
    line.push_back('\'');
    append_clipped(line, args[i], 128 - listed);
    line.append("' ");
    listed += line.size() - before;
  }
  return line;
}

std::string exec_abort(std::string_view why) {
  if (why.starts_with("ERR ")) {
    why.remove_prefix(4);
  }
  std::string line = "EXECABORT Transaction discarded because of: ";
  line.append(why);
  return line;
}

std::string unknown_subcommand(std::string_view command, std::string_view subcommand) {
  std::string line = "ERR unknown subcommand '";
  append_clipped(line, subcommand, 128);
  line.append("'. Try ");
  for (char c : command) {
    line.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  line.append(" HELP.");
  return line;
}

}  // namespace atomkv::proxy::errors
