#include "atomkv/glob.hpp"

#include <cstddef>
#include <utility>

namespace atomkv {
namespace {

// Matches one character class starting just after '['; `p` ends just after the closing ']'.
// An unterminated class ends with the pattern, as in Redis. Range bounds compare as signed
// chars, as Redis's `int start = pattern[0]` does, so a range through bytes >= 0x80 matches the
// same bytes there.
bool match_class(std::string_view pattern, std::size_t& p, char c) {
  bool negate = p < pattern.size() && pattern[p] == '^';
  if (negate) {
    ++p;
  }
  bool matched = false;
  while (p < pattern.size() && pattern[p] != ']') {
    if (pattern[p] == '\\' && p + 1 < pattern.size()) {
      ++p;
      matched |= pattern[p] == c;
      ++p;
    } else if (p + 2 < pattern.size() && pattern[p + 1] == '-') {
      int low = static_cast<signed char>(pattern[p]);
      int high = static_cast<signed char>(pattern[p + 2]);
      if (low > high) {
        std::swap(low, high);
      }
      int sc = static_cast<signed char>(c);
      matched |= sc >= low && sc <= high;
      p += 3;
    } else {
      matched |= pattern[p] == c;
      ++p;
    }
  }
  if (p < pattern.size()) {
    ++p;  // the ']'
  }
  return negate ? !matched : matched;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  if (pattern == "*") {
    return true;  // KEYS and SCAN take every key for "*" without matching, the empty key too
  }
  if (text.empty()) {
    return pattern.empty();  // stringmatchlen compares nothing, so even "**" fails
  }
  std::size_t p = 0;
  std::size_t t = 0;
  // Where to resume after the last '*' when a later part fails: linear backtracking, no recursion.
  std::size_t star_p = std::string_view::npos;
  std::size_t star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (pc == '*') {
        while (p < pattern.size() && pattern[p] == '*') {
          ++p;
        }
        if (p == pattern.size()) {
          return true;
        }
        star_p = p;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++t;
        continue;
      }
      if (pc == '[') {
        std::size_t next = p + 1;
        if (match_class(pattern, next, text[t])) {
          p = next;
          ++t;
          continue;
        }
      } else {
        if (pc == '\\' && p + 1 < pattern.size()) {
          ++p;
          pc = pattern[p];
        }
        if (pc == text[t]) {
          ++p;
          ++t;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) {
      return false;
    }
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

}  // namespace atomkv
