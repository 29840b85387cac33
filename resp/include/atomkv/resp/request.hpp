#pragma once
// One client request (a command and its arguments) as the request decoder produces it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace atomkv::resp {

// Limits a client's request must fit, with Redis's defaults.
struct request_limits {
  // Redis's proto-max-bulk-len: the longest single argument.
  std::size_t max_bulk_length = 512 * 1024 * 1024;
  // The most arguments in one multibulk request. (Redis 7.0 itself allows up to INT_MAX.)
  std::size_t max_multibulk_length = 1024 * 1024;
  // Redis's PROTO_INLINE_MAX_SIZE: the longest inline line, and also the longest "*<n>" or
  // "$<n>" length line, counted up to its terminator.
  std::size_t max_inline_length = 64 * 1024;
};

// A decoded request. args[0] is the command name as the client sent it (any case).
//
// Each argument views either the buffer passed to request_decoder::decode or `storage` (inline
// arguments written with quotes or escapes), so it stays valid until the caller drops or
// modifies those bytes, or passes this request to decode again. Reusing one request per
// connection keeps the vector's and the storage's capacity: no allocation per request once warm.
struct request {
  std::vector<std::string_view> args;
  // True when the request came as an inline line (telnet style) rather than a multibulk array.
  bool is_inline = false;
  // Owned bytes for unescaped inline arguments; args may point into it.
  std::string storage;

  void clear() {
    args.clear();
    is_inline = false;
    storage.clear();
  }
};

}  // namespace atomkv::resp
