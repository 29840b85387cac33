#include "atomkv/resp/reply_decoder.hpp"

#include <algorithm>
#include <utility>

#include "redis_integer.hpp"

namespace atomkv::resp {
namespace {

// Aggregates announce their size; reserve no more than this ahead of the elements arriving.
constexpr std::size_t kMaxChildrenReservedAhead = 1024;

bool is_aggregate(char type) {
  return type == '*' || type == '%' || type == '~' || type == '>' || type == '|';
}

reply_kind aggregate_kind(char type) {
  switch (type) {
    case '%':
      return reply_kind::map;
    case '~':
      return reply_kind::set;
    case '>':
      return reply_kind::push;
    case '|':
      return reply_kind::attribute;
    default:
      return reply_kind::array;
  }
}

bool is_big_number(std::string_view text) {
  if (!text.empty() && text[0] == '-') {
    text.remove_prefix(1);
  }
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const char* to_string(reply_kind kind) {
  switch (kind) {
    case reply_kind::simple_string:
      return "simple_string";
    case reply_kind::error:
      return "error";
    case reply_kind::integer:
      return "integer";
    case reply_kind::bulk_string:
      return "bulk_string";
    case reply_kind::null:
      return "null";
    case reply_kind::null_array:
      return "null_array";
    case reply_kind::array:
      return "array";
    case reply_kind::map:
      return "map";
    case reply_kind::set:
      return "set";
    case reply_kind::double_value:
      return "double";
    case reply_kind::boolean:
      return "boolean";
    case reply_kind::verbatim:
      return "verbatim";
    case reply_kind::big_number:
      return "big_number";
    case reply_kind::push:
      return "push";
    case reply_kind::attribute:
      return "attribute";
  }
  return "unknown";
}

void reply_decoder::reset() {
  pos_ = 0;
  consumed_ = 0;
  failed_ = false;
  error_.clear();
  stack_.clear();
}

decode_status reply_decoder::fail(std::string message) {
  failed_ = true;
  error_ = std::move(message);
  return decode_status::error;
}

decode_status reply_decoder::decode(std::string_view buffer, reply_value& out) {
  if (failed_) {
    return decode_status::error;
  }
  for (;;) {
    // One element per turn: its type byte, its line and, for blobs, its payload.
    if (pos_ >= buffer.size()) {
      return decode_status::need_more;
    }
    const std::size_t cr = buffer.find('\r', pos_ + 1);
    if (cr == std::string_view::npos || cr + 1 >= buffer.size()) {
      return decode_status::need_more;
    }
    if (buffer[cr + 1] != '\n') {
      return fail("Protocol error: line not ended by CRLF");
    }
    const char type = buffer[pos_];
    const std::string_view text = buffer.substr(pos_ + 1, cr - pos_ - 1);
    std::size_t next = cr + 2;
    reply_value value;

    if (type == '$' || type == '=' || type == '!') {
      long long length = 0;
      if (!detail::parse_redis_integer(text, length) || length < -1 ||
          (length == -1 && type != '$')) {
        return fail("Protocol error: invalid blob length");
      }
      if (length == -1) {
        value.kind = reply_kind::null;
      } else {
        const auto size = static_cast<std::size_t>(length);
        if (buffer.size() - next < size + 2) {
          return decode_status::need_more;  // the line is read again when more arrives
        }
        if (buffer.substr(next + size, 2) != "\r\n") {
          return fail("Protocol error: blob not ended by CRLF");
        }
        std::string_view payload = buffer.substr(next, size);
        next += size + 2;
        if (type == '=') {
          if (payload.size() < 4 || payload[3] != ':') {
            return fail("Protocol error: verbatim string without a format");
          }
          value.kind = reply_kind::verbatim;
          value.format.assign(payload.substr(0, 3));
          payload.remove_prefix(4);
        } else {
          value.kind = type == '$' ? reply_kind::bulk_string : reply_kind::error;
        }
        value.str.assign(payload);
      }
    } else if (is_aggregate(type)) {
      long long count = 0;
      if (!detail::parse_redis_integer(text, count) || count < -1 || (count == -1 && type != '*')) {
        return fail("Protocol error: invalid aggregate length");
      }
      if (count == -1) {
        value.kind = reply_kind::null_array;
      } else {
        value.kind = aggregate_kind(type);
        if (count > 0) {
          auto left = static_cast<std::size_t>(count);
          if (type == '%' || type == '|') {
            left *= 2;
          }
          value.children.reserve(std::min(left, kMaxChildrenReservedAhead));
          stack_.push_back({std::move(value), left});
          pos_ = next;
          continue;
        }
      }
    } else {
      switch (type) {
        case '+':
          value.kind = reply_kind::simple_string;
          value.str.assign(text);
          break;
        case '-':
          value.kind = reply_kind::error;
          value.str.assign(text);
          break;
        case ':': {
          long long number = 0;
          if (!detail::parse_redis_integer(text, number)) {
            return fail("Protocol error: invalid integer");
          }
          value.kind = reply_kind::integer;
          value.integer = number;
          break;
        }
        case '_':
          if (!text.empty()) {
            return fail("Protocol error: invalid null");
          }
          value.kind = reply_kind::null;
          break;
        case '#':
          if (text != "t" && text != "f") {
            return fail("Protocol error: invalid boolean");
          }
          value.kind = reply_kind::boolean;
          value.integer = text == "t" ? 1 : 0;
          break;
        case ',':
          if (text.empty()) {
            return fail("Protocol error: invalid double");
          }
          value.kind = reply_kind::double_value;
          value.str.assign(text);
          break;
        case '(':
          if (!is_big_number(text)) {
            return fail("Protocol error: invalid big number");
          }
          value.kind = reply_kind::big_number;
          value.str.assign(text);
          break;
        default:
          return fail(std::string("Protocol error, got '") + type + "' as reply type byte");
      }
    }
    pos_ = next;

    // Hand the finished element to its parent, closing every aggregate it completes.
    for (;;) {
      if (stack_.empty()) {
        out = std::move(value);
        consumed_ = pos_;
        pos_ = 0;
        return decode_status::complete;
      }
      frame& parent = stack_.back();
      const bool counts = value.kind != reply_kind::attribute;  // attributes annotate, not count
      parent.value.children.push_back(std::move(value));
      if (!counts || --parent.left > 0) {
        break;
      }
      value = std::move(parent.value);
      stack_.pop_back();
    }
  }
}

}  // namespace atomkv::resp
