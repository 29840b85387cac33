#include "split_args.hpp"

namespace atomkv::resp::detail {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  return (c | 0x20) - 'a' + 10;
}

char unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

}  // namespace

bool split_args(std::string_view line, std::vector<std::string_view>& args, std::string& storage) {
  // sdssplitargs reads a C string: past the end (or at a NUL) it sees '\0'.
  auto at = [line](std::size_t i) -> char { return i < line.size() ? line[i] : '\0'; };
  std::size_t i = 0;
  for (;;) {
    while (is_blank(at(i))) {
      ++i;
    }
    if (at(i) == '\0') {
      return true;
    }
    const std::size_t begin = i;
    std::size_t end = 0;
    bool owned = false;
    std::size_t owned_start = 0;
    bool in_double = false;
    bool in_single = false;
    // The first quote moves the argument into storage, with the plain bytes before it.
    auto own = [&] {
      if (storage.capacity() < line.size()) {
        storage.reserve(line.size());  // unescaping never grows: views stay valid
      }
      owned_start = storage.size();
      storage.append(line.substr(begin, i - begin));
      owned = true;
    };
    for (bool done = false; !done;) {
      const char c = at(i);
      if (in_double) {
        if (c == '\\' && at(i + 1) == 'x' && is_hex(at(i + 2)) && is_hex(at(i + 3))) {
          storage.push_back(static_cast<char>(hex_value(at(i + 2)) * 16 + hex_value(at(i + 3))));
          i += 3;
        } else if (c == '\\' && at(i + 1) != '\0') {
          ++i;
          storage.push_back(unescape(at(i)));
        } else if (c == '"') {
          if (at(i + 1) != '\0' && !is_blank(at(i + 1))) {
            return false;
          }
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          storage.push_back(c);
        }
      } else if (in_single) {
        if (c == '\\' && at(i + 1) == '\'') {
          ++i;
          storage.push_back('\'');
        } else if (c == '\'') {
          if (at(i + 1) != '\0' && !is_blank(at(i + 1))) {
            return false;
          }
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          storage.push_back(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            end = i;
            done = true;
            break;
          case '"':
            own();
            in_double = true;
            break;
          case '\'':
            own();
            in_single = true;
            break;
          default:
            break;
        }
      }
      if (at(i) != '\0') {
        ++i;
      }
    }
    if (owned) {
      args.emplace_back(storage.data() + owned_start, storage.size() - owned_start);
    } else {
      args.push_back(line.substr(begin, end - begin));
    }
  }
}

}  // namespace atomkv::resp::detail
