#pragma once
// Appends encoded replies to a connection's output buffer, in RESP2 or RESP3.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "atomkv/resp/protocol.hpp"

namespace atomkv::resp {

// Writes what Redis 7 writes for each reply type. RESP3-only types are sent to RESP2 clients
// the way Redis downgrades them:
//
//   type          RESP3                     RESP2
//   null          _                         $-1
//   null_array    _                         *-1
//   map n         %n  (then n keys/values)  *2n (flat array)
//   set n         ~n                        *n
//   push n        >n                        *n
//   double        ,1.5                      $3 1.5 (bulk)
//   boolean       #t / #f                   :1 / :0
//   verbatim      =8 txt:text               $4 text (bulk)
//   big number    (123...                   bulk "123..."
//
// Doubles are formatted like Redis 7.0 ("%.17g"); infinities are "inf"/"-inf" and NaN "nan".
// Headers announce how many elements follow; the caller then writes them. Nothing here allocates
// except the growth of the output string; integers are formatted with std::to_chars.
class reply_writer {
 public:
  reply_writer(std::string& out, protocol proto) : out_(&out), proto_(proto) {}

  // Told of every error line written (a server's error statistics); none by default.
  using error_observer = void (*)(void* context, std::string_view line);
  reply_writer& observe_errors(error_observer observer, void* context) {
    observer_ = observer;
    observer_context_ = context;
    return *this;
  }

  protocol proto() const { return proto_; }
  // HELLO switches the protocol of a live connection.
  void set_protocol(protocol proto) { proto_ = proto; }

  void simple(std::string_view text);  // "+text"; '\r' and '\n' become spaces
  void error(std::string_view line);   // "-line", line like "ERR ..."; '\r' '\n' become spaces
  void integer(std::int64_t value);
  void bulk(std::string_view bytes);
  void null();        // a missing value: RESP2 "$-1", RESP3 "_"
  void null_array();  // a missing aggregate: RESP2 "*-1", RESP3 "_"
  void array_header(std::size_t n);
  void map_header(std::size_t n);  // n key/value pairs
  void set_header(std::size_t n);
  void push_header(std::size_t n);
  void double_value(double value);
  void boolean(bool value);
  // format3 is the three-character format, e.g. "txt" or "mkd".
  void verbatim(std::string_view format3, std::string_view text);
  void big_number(std::string_view digits);
  // Bytes already encoded for this connection's protocol (a reply computed ahead of its turn).
  void raw(std::string_view encoded) { out_->append(encoded); }

 private:
  void header(char type, std::size_t n);
  void line(char type, std::string_view text);
  void sanitized_line(char type, std::string_view text);

  std::string* out_;
  protocol proto_;
  error_observer observer_ = nullptr;
  void* observer_context_ = nullptr;
};

}  // namespace atomkv::resp
