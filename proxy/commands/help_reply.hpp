#pragma once
// The reply to a container's HELP subcommand (CLIENT HELP, CONFIG HELP, COMMAND HELP): its lines
// as simple strings, as Redis sends them.

#include <initializer_list>
#include <string_view>

#include "atomkv/resp/reply_writer.hpp"

namespace atomkv::proxy {

inline void write_help(std::initializer_list<std::string_view> lines, resp::reply_writer& out) {
  out.array_header(lines.size());
  for (auto line : lines) {
    out.simple(line);
  }
}

}  // namespace atomkv::proxy
