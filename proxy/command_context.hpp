#pragma once
// What a local command works with (command_table.hpp's local_fn): its connection's session, the
// server's settings, and the few acts that reach beyond them. Not the client, the server or the
// loop, so that a unit test can run a command with a session and settings of its own.

#include <cstdint>
#include <string>

#include "options.hpp"
#include "session.hpp"

namespace atomkv::proxy {

// The acts of a command on its connection and on the other connections.
class connection_acts {
 public:
  virtual std::uint64_t id() const = 0;                   // CLIENT ID, HELLO
  virtual std::string describe_self() const = 0;          // CLIENT INFO's line
  virtual std::string describe_every_client() const = 0;  // CLIENT LIST's lines
  virtual void close_after_replies() = 0;                 // QUIT

 protected:
  ~connection_acts() = default;
};

struct command_context {
  session& state;
  options& settings;  // CONFIG SET replaces them
  connection_acts& connection;
};

}  // namespace atomkv::proxy
