#include "atomkv/resp/request_decoder.hpp"

#include <algorithm>

#include "redis_integer.hpp"
#include "split_args.hpp"

namespace atomkv::resp {
namespace {

constexpr std::string_view kTooBigInline = "ERR Protocol error: too big inline request";
constexpr std::string_view kUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";
constexpr std::string_view kInvalidMultibulk = "ERR Protocol error: invalid multibulk length";
constexpr std::string_view kInvalidBulk = "ERR Protocol error: invalid bulk length";
// Before AUTH, Redis accepts only small requests, so that a stranger cannot make it allocate.
constexpr std::string_view kUnauthenticatedMultibulk =
    "ERR Protocol error: unauthenticated multibulk length";
constexpr std::string_view kUnauthenticatedBulk = "ERR Protocol error: unauthenticated bulk length";
constexpr std::size_t kUnauthenticatedMaxArgs = 10;
constexpr std::size_t kUnauthenticatedMaxBulk = 16384;
constexpr std::string_view kTooBigMultibulkCount = "ERR Protocol error: too big mbulk count string";
constexpr std::string_view kTooBigBulkCount = "ERR Protocol error: too big bulk count string";

// Arguments announced by "*<n>" are not all reserved up front: a client may lie.
constexpr std::size_t kMaxArgsReservedAhead = 1024;

// Reads "<n>\r?" at p for the fast path: a plain decimal without leading zeros, short enough not
// to overflow. Anything else is left to the general path, which knows Redis's errors.
bool read_plain_length(const char*& p, const char* end, std::size_t& value) {
  const char* q = p;
  if (q == end || *q < '0' || *q > '9') {
    return false;
  }
  std::size_t v = static_cast<std::size_t>(*q++ - '0');
  int digits = 1;
  while (q < end && *q >= '0' && *q <= '9') {
    if (v == 0 || ++digits > 18) {
      return false;
    }
    v = v * 10 + static_cast<std::size_t>(*q++ - '0');
  }
  if (end - q < 2 || *q != '\r') {
    return false;  // the byte after '\r' must be there too
  }
  value = v;
  p = q + 2;
  return true;
}

}  // namespace

void request_decoder::reset() {
  state_ = state::start;
  consumed_ = 0;
  error_.clear();
  pos_ = 0;
  scan_pos_ = 0;
  line_has_nul_ = false;
  have_count_ = false;
  args_left_ = 0;
  bulk_length_ = -1;
  spans_.clear();
}

decode_status request_decoder::decode(std::string_view buffer, request& out) {
  for (;;) {
    step s = step::skipped;
    switch (state_) {
      case state::failed:
        return decode_status::error;
      case state::start:
        if (pos_ >= buffer.size()) {
          return decode_status::need_more;
        }
        if (buffer[pos_] == '*') {
          if (decode_multibulk_fast(buffer, out)) {
            return decode_status::complete;
          }
          state_ = state::multibulk;
        } else {
          state_ = state::inline_line;
        }
        begin_line(pos_);
        continue;
      case state::multibulk:
        s = decode_multibulk(buffer, out);
        break;
      case state::inline_line:
        s = decode_inline(buffer, out);
        break;
    }
    switch (s) {
      case step::complete:
        return decode_status::complete;
      case step::need_more:
        return decode_status::need_more;
      case step::error:
        return decode_status::error;
      case step::skipped:
        state_ = state::start;  // an empty request: Redis resets and reads on
        break;
    }
  }
}

void request_decoder::begin_line(std::size_t at) {
  pos_ = at;
  scan_pos_ = at;
  line_has_nul_ = false;
}

void request_decoder::finish(std::size_t end) {
  consumed_ = end;
  state_ = state::start;
  have_count_ = false;
  args_left_ = 0;
  bulk_length_ = -1;
  spans_.clear();
  begin_line(0);  // the caller drops `end` bytes: the next request starts at 0
}

request_decoder::step request_decoder::fail(std::string_view message) {
  state_ = state::failed;
  error_.assign(message);
  return step::error;
}

std::size_t request_decoder::find_line_end(std::string_view buffer, char terminator) {
  if (line_has_nul_) {
    return std::string_view::npos;
  }
  const char* data = buffer.data();
  for (std::size_t i = scan_pos_; i < buffer.size(); ++i) {
    const char c = data[i];
    if (c == terminator) {
      scan_pos_ = i;
      return i;
    }
    if (c == '\0') {
      line_has_nul_ = true;
      return std::string_view::npos;
    }
  }
  scan_pos_ = buffer.size();
  return std::string_view::npos;
}

// A "*<n>" or "$<n>" line: complete once its '\r' and one more byte are in.
request_decoder::step request_decoder::read_length_line(std::string_view buffer,
                                                        std::size_t& line_end,
                                                        std::string_view too_big) {
  const std::size_t cr = find_line_end(buffer, '\r');
  if (cr == std::string_view::npos) {
    if (buffer.size() - pos_ > limits_.max_inline_length) {
      return fail(too_big);
    }
    return step::need_more;
  }
  // Redis checks the limit whenever a read leaves the line unfinished; with reads of any size
  // that means: more than the limit before the '\r'.
  if (cr - pos_ > limits_.max_inline_length) {
    return fail(too_big);
  }
  if (buffer.size() - cr < 2) {
    return step::need_more;
  }
  line_end = cr;
  return step::complete;
}

// The common case in one pass: a whole, well-formed multibulk request already in the buffer.
// Returns false, having changed nothing but `out`, when the general path must take over (the
// request is incomplete, empty, or breaks a rule); it then reaches the same result.
bool request_decoder::decode_multibulk_fast(std::string_view buffer, request& out) {
  const char* p = buffer.data() + pos_ + 1;
  const char* const end = buffer.data() + buffer.size();
  std::size_t count = 0;
  if (!read_plain_length(p, end, count) || count == 0 || count > limits_.max_multibulk_length ||
      (!authenticated_ && count > kUnauthenticatedMaxArgs)) {
    return false;
  }
  out.clear();
  for (std::size_t i = 0; i < count; ++i) {
    if (p == end || *p != '$') {
      return false;
    }
    ++p;
    std::size_t length = 0;
    if (!read_plain_length(p, end, length) || length > limits_.max_bulk_length ||
        (!authenticated_ && length > kUnauthenticatedMaxBulk) ||
        static_cast<std::size_t>(end - p) < length + 2) {
      return false;
    }
    out.args.emplace_back(p, length);
    p += length + 2;
  }
  finish(static_cast<std::size_t>(p - buffer.data()));
  return true;
}

request_decoder::step request_decoder::decode_multibulk(std::string_view buffer, request& out) {
  std::size_t cr = 0;
  if (!have_count_) {
    if (step s = read_length_line(buffer, cr, kTooBigMultibulkCount); s != step::complete) {
      return s;
    }
    long long count = 0;
    if (!detail::parse_redis_integer(buffer.substr(pos_ + 1, cr - pos_ - 1), count) ||
        (count > 0 && static_cast<unsigned long long>(count) > limits_.max_multibulk_length)) {
      return fail(kInvalidMultibulk);
    }
    if (!authenticated_ && count > static_cast<long long>(kUnauthenticatedMaxArgs)) {
      return fail(kUnauthenticatedMultibulk);
    }
    begin_line(cr + 2);
    if (count <= 0) {
      return step::skipped;
    }
    have_count_ = true;
    args_left_ = static_cast<std::size_t>(count);
    spans_.clear();
    spans_.reserve(std::min(args_left_, kMaxArgsReservedAhead));
  }
  while (args_left_ > 0) {
    if (bulk_length_ < 0) {
      if (step s = read_length_line(buffer, cr, kTooBigBulkCount); s != step::complete) {
        return s;
      }
      if (buffer[pos_] != '$') {
        // Redis's error replies turn line breaks into spaces.
        const char got = buffer[pos_] == '\r' || buffer[pos_] == '\n' ? ' ' : buffer[pos_];
        std::string message = "ERR Protocol error: expected '$', got ' '";
        message[message.size() - 2] = got;
        return fail(message);
      }
      long long length = 0;
      if (!detail::parse_redis_integer(buffer.substr(pos_ + 1, cr - pos_ - 1), length) ||
          length < 0 || static_cast<unsigned long long>(length) > limits_.max_bulk_length) {
        return fail(kInvalidBulk);
      }
      if (!authenticated_ && static_cast<std::size_t>(length) > kUnauthenticatedMaxBulk) {
        return fail(kUnauthenticatedBulk);
      }
      bulk_length_ = length;
      begin_line(cr + 2);
    }
    const auto length = static_cast<std::size_t>(bulk_length_);
    if (buffer.size() - pos_ < length + 2) {
      return step::need_more;  // wait by length: the bulk is not scanned
    }
    spans_.push_back({pos_, length});
    bulk_length_ = -1;
    --args_left_;
    begin_line(pos_ + length + 2);  // the two bytes after the data are not checked, as in Redis
  }
  out.clear();
  out.args.reserve(spans_.size());
  for (const span& s : spans_) {
    out.args.emplace_back(buffer.data() + s.offset, s.length);
  }
  finish(pos_);
  return step::complete;
}

request_decoder::step request_decoder::decode_inline(std::string_view buffer, request& out) {
  const std::size_t newline = find_line_end(buffer, '\n');
  if (newline == std::string_view::npos) {
    if (buffer.size() - pos_ > limits_.max_inline_length) {
      return fail(kTooBigInline);
    }
    return step::need_more;
  }
  if (newline - pos_ > limits_.max_inline_length) {
    return fail(kTooBigInline);
  }
  std::string_view line = buffer.substr(pos_, newline - pos_);
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  out.clear();
  if (!detail::split_args(line, out.args, out.storage)) {
    out.clear();
    return fail(kUnbalancedQuotes);
  }
  begin_line(newline + 1);
  if (out.args.empty()) {
    return step::skipped;
  }
  out.is_inline = true;
  finish(pos_);
  return step::complete;
}

}  // namespace atomkv::resp
