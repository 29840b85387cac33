#include "atomkv/resp/reply_writer.hpp"

#include <charconv>
#include <cmath>

namespace atomkv::resp {
namespace {

constexpr std::string_view kCrlf = "\r\n";

// Formats like Redis 7.0's "%.17g", with fixed spellings for the values printf spells per
// platform.
std::string_view format_double(double value, char (&buffer)[40]) {
  if (std::isinf(value)) {
    return value > 0 ? "inf" : "-inf";
  }
  if (std::isnan(value)) {
    return "nan";
  }
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 17);
  (void)ec;  // 40 bytes hold any %.17g
  return {buffer, static_cast<std::size_t>(end - buffer)};
}

}  // namespace

void reply_writer::header(char type, std::size_t n) {
  char buffer[24];
  buffer[0] = type;
  auto [end, ec] = std::to_chars(buffer + 1, buffer + sizeof buffer - 2, n);
  (void)ec;  // 21 bytes hold any size_t
  end[0] = '\r';
  end[1] = '\n';
  out_->append(buffer, static_cast<std::size_t>(end + 2 - buffer));
}

void reply_writer::line(char type, std::string_view text) {
  out_->push_back(type);
  out_->append(text);
  out_->append(kCrlf);
}

// A line reply cannot carry a line break: the client would read the rest as another reply.
void reply_writer::sanitized_line(char type, std::string_view text) {
  const std::size_t start = out_->size() + 1;
  line(type, text);
  for (std::size_t i = start; i < start + text.size(); ++i) {
    char& c = (*out_)[i];
    if (c == '\r' || c == '\n') {
      c = ' ';
    }
  }
}

void reply_writer::simple(std::string_view text) {
  sanitized_line('+', text);
}

void reply_writer::error(std::string_view line) {
  sanitized_line('-', line);
  if (observer_ != nullptr) {
    observer_(observer_context_, line);
  }
}

void reply_writer::integer(std::int64_t value) {
  char buffer[24];
  buffer[0] = ':';
  auto [end, ec] = std::to_chars(buffer + 1, buffer + sizeof buffer - 2, value);
  (void)ec;  // 21 bytes hold any int64
  end[0] = '\r';
  end[1] = '\n';
  out_->append(buffer, static_cast<std::size_t>(end + 2 - buffer));
}

void reply_writer::bulk(std::string_view bytes) {
  header('$', bytes.size());
  out_->append(bytes);
  out_->append(kCrlf);
}

void reply_writer::null() {
  out_->append(proto_ == protocol::resp3 ? std::string_view("_\r\n") : std::string_view("$-1\r\n"));
}

void reply_writer::null_array() {
  out_->append(proto_ == protocol::resp3 ? std::string_view("_\r\n") : std::string_view("*-1\r\n"));
}

void reply_writer::array_header(std::size_t n) {
  header('*', n);
}

void reply_writer::map_header(std::size_t n) {
  if (proto_ == protocol::resp3) {
    header('%', n);
  } else {
    header('*', n * 2);
  }
}

void reply_writer::set_header(std::size_t n) {
  header(proto_ == protocol::resp3 ? '~' : '*', n);
}

void reply_writer::push_header(std::size_t n) {
  header(proto_ == protocol::resp3 ? '>' : '*', n);
}

void reply_writer::double_value(double value) {
  char buffer[40];
  const std::string_view text = format_double(value, buffer);
  if (proto_ == protocol::resp3) {
    line(',', text);
  } else {
    bulk(text);
  }
}

void reply_writer::boolean(bool value) {
  if (proto_ == protocol::resp3) {
    out_->append(value ? "#t\r\n" : "#f\r\n");
  } else {
    out_->append(value ? ":1\r\n" : ":0\r\n");
  }
}

void reply_writer::verbatim(std::string_view format3, std::string_view text) {
  if (proto_ == protocol::resp2) {
    bulk(text);
    return;
  }
  header('=', format3.size() + 1 + text.size());
  out_->append(format3);
  out_->push_back(':');
  out_->append(text);
  out_->append(kCrlf);
}

void reply_writer::big_number(std::string_view digits) {
  if (proto_ == protocol::resp3) {
    line('(', digits);
  } else {
    bulk(digits);
  }
}

}  // namespace atomkv::resp
