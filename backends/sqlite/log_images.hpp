#pragma once
// The log's rows (schema.hpp, version 3): each holds the final images of the keys one group
// wrote, back to back. An image is the whole row as the keyspace table would hold it after the
// group, so applying a log in id order, or only each key's last image, gives the same rows.
//
// Layout of one image (integers little-endian, 8 bytes):
//   row id size, row id (row_id.hpp), flags (1: live, 2: has a deadline), version,
//   [deadline], [value size, value]   (the bracketed parts only when the flag says so / live)

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "atomkv/result.hpp"

namespace atomkv::sqlite {

struct key_image {
  bool present = false;  // false: a tombstone
  std::int64_t version = 0;
  std::optional<std::int64_t> deadline;  // live rows only
  std::string value;                     // live rows only
};

// Appends the image of `id` to `out`.
void append_image(std::string& out, std::string_view id, const key_image& image);

// The bytes append_image adds for `id` and `image`.
std::size_t image_size(std::string_view id, const key_image& image);

// Calls `each` with every image of `images` in order; a damaged row fails whole, before any
// call (a log row is written whole or not at all, so damage means a broken file).
result<void> for_each_image(std::string_view images,
                            const std::function<void(std::string_view id, key_image&&)>& each);

}  // namespace atomkv::sqlite
