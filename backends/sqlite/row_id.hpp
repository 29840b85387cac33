#pragma once
// One key of one bucket as a single string, for the in-memory maps of rows (pending_rows,
// log_overlay) and the log's images: the bucket's length (8 bytes, little-endian) comes first,
// so no bucket/key pair can stand for another, whatever bytes they hold.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace atomkv::sqlite {

inline constexpr std::size_t row_id_length_bytes = 8;

inline void assign_row_id(std::string& out, std::string_view bucket, std::string_view key) {
  out.resize(row_id_length_bytes);
  std::uint64_t size = bucket.size();
  for (std::size_t i = 0; i < row_id_length_bytes; ++i, size >>= 8) {
    out[i] = static_cast<char>(size & 0xff);
  }
  out.append(bucket);
  out.append(key);
}

// The bucket and the key of a row id; empty when `id` is not one (a damaged log image).
inline std::optional<std::pair<std::string_view, std::string_view>> split_row_id(
    std::string_view id) {
  if (id.size() < row_id_length_bytes) {
    return std::nullopt;
  }
  std::uint64_t size = 0;
  for (std::size_t i = row_id_length_bytes; i-- > 0;) {
    size = (size << 8) | static_cast<unsigned char>(id[i]);
  }
  std::string_view rest = id.substr(row_id_length_bytes);
  if (size > rest.size()) {
    return std::nullopt;
  }
  return std::pair(rest.substr(0, size), rest.substr(size));
}

}  // namespace atomkv::sqlite
