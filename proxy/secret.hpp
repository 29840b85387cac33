#pragma once
// Comparing secrets (passwords) without telling, by the time it takes, where they differ.

#include <cstddef>
#include <string_view>

namespace atomkv::proxy {

// Whether `given` equals `expected`, in a time that depends on their lengths only: every byte
// is looked at, whatever the first difference.
inline bool same_secret(std::string_view given, std::string_view expected) {
  const std::size_t longest = given.size() > expected.size() ? given.size() : expected.size();
  volatile unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < longest; ++i) {
    const unsigned char x = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    const unsigned char y = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
    difference = difference | static_cast<unsigned char>(x ^ y);
  }
  return difference == 0;
}

}  // namespace atomkv::proxy
