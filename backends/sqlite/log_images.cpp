#include "log_images.hpp"

#include <vector>

#include "row_id.hpp"

namespace atomkv::sqlite {
namespace {

constexpr std::uint8_t kLive = 1;
constexpr std::uint8_t kHasDeadline = 2;
constexpr std::size_t kInteger = 8;

void put(std::string& out, std::uint64_t n) {
  char bytes[kInteger];
  for (auto& b : bytes) {
    b = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  out.append(bytes, kInteger);
}

class reader {
 public:
  explicit reader(std::string_view bytes) : rest_(bytes) {}
  bool done() const { return rest_.empty(); }

  std::optional<std::uint64_t> integer() {
    if (rest_.size() < kInteger) {
      return std::nullopt;
    }
    std::uint64_t n = 0;
    for (std::size_t i = kInteger; i-- > 0;) {
      n = (n << 8) | static_cast<unsigned char>(rest_[i]);
    }
    rest_.remove_prefix(kInteger);
    return n;
  }
  std::optional<std::uint8_t> byte() {
    if (rest_.empty()) {
      return std::nullopt;
    }
    const auto b = static_cast<std::uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }
  std::optional<std::string_view> bytes() {
    auto size = integer();
    if (!size || *size > rest_.size()) {
      return std::nullopt;
    }
    std::string_view taken = rest_.substr(0, *size);
    rest_.remove_prefix(*size);
    return taken;
  }

 private:
  std::string_view rest_;
};

}  // namespace

std::size_t image_size(std::string_view id, const key_image& image) {
  std::size_t size = kInteger + id.size() + 1 + kInteger;
  if (image.present) {
    size += (image.deadline ? kInteger : 0) + kInteger + image.value.size();
  }
  return size;
}

void append_image(std::string& out, std::string_view id, const key_image& image) {
  put(out, id.size());
  out.append(id);
  std::uint8_t flags = 0;
  if (image.present) {
    flags |= kLive;
    if (image.deadline) {
      flags |= kHasDeadline;
    }
  }
  out.push_back(static_cast<char>(flags));
  put(out, static_cast<std::uint64_t>(image.version));
  if (!image.present) {
    return;
  }
  if (image.deadline) {
    put(out, static_cast<std::uint64_t>(*image.deadline));
  }
  put(out, image.value.size());
  out.append(image.value);
}

result<void> for_each_image(std::string_view images,
                            const std::function<void(std::string_view id, key_image&&)>& each) {
  struct parsed {
    std::string_view id;
    std::uint8_t flags;
    std::int64_t version;
    std::optional<std::int64_t> deadline;
    std::string_view value;
  };
  std::vector<parsed> found;
  reader in(images);
  while (!in.done()) {
    parsed p{};
    auto id = in.bytes();
    auto flags = in.byte();
    auto version = in.integer();
    if (!id || !split_row_id(*id) || !flags || !version || (*flags & ~(kLive | kHasDeadline)) ||
        ((*flags & kHasDeadline) && !(*flags & kLive))) {
      return failure(error::other("sqlite: a damaged log row"));
    }
    p.id = *id;
    p.flags = *flags;
    p.version = static_cast<std::int64_t>(*version);
    if (p.flags & kHasDeadline) {
      auto deadline = in.integer();
      if (!deadline) {
        return failure(error::other("sqlite: a damaged log row"));
      }
      p.deadline = static_cast<std::int64_t>(*deadline);
    }
    if (p.flags & kLive) {
      auto value = in.bytes();
      if (!value) {
        return failure(error::other("sqlite: a damaged log row"));
      }
      p.value = *value;
    }
    found.push_back(p);
  }
  for (const auto& p : found) {
    each(p.id, key_image{(p.flags & kLive) != 0, p.version, p.deadline, std::string(p.value)});
  }
  return outcome::success();
}

}  // namespace atomkv::sqlite
