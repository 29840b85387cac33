#pragma once
// Turns the bytes a client sends into requests, exactly as Redis 7 parses them
// (networking.c processMultibulkBuffer / processInlineBuffer), without sockets.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/resp/protocol.hpp"
#include "atomkv/resp/request.hpp"

namespace atomkv::resp {

// One decoder per connection. It is stateful so that a request arriving in many small reads is
// parsed once: a large bulk argument is waited for by length, never rescanned.
//
// Usage, with `input` the connection's buffer of received bytes:
//
//   std::string_view rest = input;
//   request req;
//   for (;;) {
//     decode_status s = decoder.decode(rest, req);
//     if (s == decode_status::need_more) break;   // read more, append to input, call again
//     if (s == decode_status::error) { reply "-" + error_message(); close after it; break; }
//     handle(req);                                // req.args view into rest (and req.storage)
//     rest.remove_prefix(decoder.consumed());
//   }
//   input.erase(0, input.size() - rest.size());
//
// Contract:
//  - `buffer` is every byte of the connection not yet dropped: the bytes from the start of the
//    request being decoded, with newly read bytes appended at the end. The buffer may move in
//    memory between calls (the decoder keeps offsets, not pointers).
//  - complete: `out` holds the request; consumed() is the number of bytes from the start of
//    `buffer` it took, including any empty requests skipped before it. Drop exactly those bytes
//    before the next call.
//  - need_more: drop nothing; call again with the same bytes plus more. Empty requests already
//    skipped stay in the buffer until the next request completes, so bound the buffer as Redis
//    bounds its query buffer (client-query-buffer-limit).
//  - error: error_message() is the Redis error line without '-' and "\r\n", e.g.
//    "ERR Protocol error: invalid bulk length". Redis replies with it and closes the connection;
//    the decoder stays in the error state until reset().
//
// Redis behaviours kept on purpose:
//  - The first byte picks the form: '*' is a multibulk array, anything else an inline line.
//  - "*0", "*-1" (any count <= 0) and empty or blank inline lines are skipped, not returned.
//  - The two bytes after a length line's '\r' and after a bulk's data are skipped unchecked.
//  - A length or inline line containing a NUL byte before its terminator never ends (Redis
//    searches with strchr); it fails with the "too big" error once it passes the limit.
//  - Inline lines are split with sdssplitargs rules; empty quoted arguments ("" or '') are kept.
//  - The 64 KiB line limits apply to the bytes before the terminator, whatever the read sizes
//    (Redis checks only between reads; feeding it one byte at a time gives this result).
class request_decoder {
 public:
  explicit request_decoder(request_limits limits = {}) : limits_(limits) {}

  decode_status decode(std::string_view buffer, request& out);

  // Bytes of `buffer` taken by the last complete request (and skipped empty ones before it).
  std::size_t consumed() const { return consumed_; }

  // The Redis error line after decode returned error; empty otherwise.
  const std::string& error_message() const { return error_; }

  // Forgets any partly decoded request and a previous error.
  void reset();

  // Between requests, gives back the memory kept from the largest one (an idle connection's).
  void release_memory() {
    if (state_ == state::start) {
      std::vector<span>().swap(spans_);
    }
  }

  const request_limits& limits() const { return limits_; }

  // Until a client authenticates, Redis takes at most 10 arguments of at most 16384 bytes
  // ("ERR Protocol error: unauthenticated multibulk length" / "... bulk length").
  void set_authenticated(bool authenticated) { authenticated_ = authenticated; }

 private:
  enum class state { start, multibulk, inline_line, failed };
  // A step of the parse loop: a decode_status, or "an empty request was skipped, go on".
  enum class step { complete, need_more, error, skipped };

  struct span {
    std::size_t offset;
    std::size_t length;
  };

  bool decode_multibulk_fast(std::string_view buffer, request& out);
  step decode_multibulk(std::string_view buffer, request& out);
  step decode_inline(std::string_view buffer, request& out);
  step read_length_line(std::string_view buffer, std::size_t& line_end, std::string_view too_big);
  step fail(std::string_view message);
  void begin_line(std::size_t at);
  void finish(std::size_t end);

  // Finds `terminator` in the line that starts at pos_, resuming where the last search stopped;
  // npos while it has not arrived or if a NUL byte comes first.
  std::size_t find_line_end(std::string_view buffer, char terminator);

  request_limits limits_;
  bool authenticated_ = true;
  state state_ = state::start;
  std::size_t consumed_ = 0;
  std::string error_;

  // Parse position: the start of the next line or bulk to read.
  std::size_t pos_ = 0;
  // How far a line terminator search has looked, so that it is not repeated.
  std::size_t scan_pos_ = 0;
  // A NUL byte was seen in the current line: it cannot end (Redis's strchr stops there).
  bool line_has_nul_ = false;

  // Multibulk progress: whether the "*<n>" line was read, arguments still expected, the pending
  // bulk's length (-1: none yet), and the arguments read so far as offsets into the buffer.
  bool have_count_ = false;
  std::size_t args_left_ = 0;
  long long bulk_length_ = -1;
  std::vector<span> spans_;
};

}  // namespace atomkv::resp
