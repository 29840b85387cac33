#pragma once
// A fast, stable 64-bit hash of a key: its high bits pick the stripe, its low bits the bucket
// in the stripe's table. Stable within a process, so that a SCAN cursor means the same thing on
// every page.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace atomkv::memory {

inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

inline std::uint64_t key_hash(std::string_view key) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ (key.size() * 0xff51afd7ed558ccdULL);
  const char* p = key.data();
  std::size_t n = key.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ mix64(word)) * 0xc4ceb9fe1a85ec53ULL;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  return mix64(h ^ tail ^ (n << 56));
}

}  // namespace atomkv::memory
