#pragma once
// A connection's received bytes: libuv reads into its free tail, the decoder reads from its
// front, and consumed requests are dropped once per read (one memmove, never per request).

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace atomkv::proxy {

class input_buffer {
 public:
  // Room for at least `want` more bytes at the end.
  char* reserve_tail(std::size_t want, std::size_t& got) {
    if (capacity_ - size_ < want) {
      std::size_t grown = capacity_ == 0 ? want : capacity_;
      while (grown - size_ < want) {
        grown *= 2;
      }
      // Not zero-filled: pages a read never reaches are never touched.
      auto bigger = std::make_unique_for_overwrite<char[]>(grown);
      if (size_ > 0) {
        std::memcpy(bigger.get(), data_.get(), size_);
      }
      data_ = std::move(bigger);
      capacity_ = grown;
    }
    got = capacity_ - size_;
    return data_.get() + size_;
  }
  void commit(std::size_t n) { size_ += n; }
  void consume(std::size_t n) {
    if (n >= size_) {
      size_ = 0;
    } else if (n > 0) {
      std::memmove(data_.get(), data_.get() + n, size_ - n);
      size_ -= n;
    }
  }
  std::string_view view() const { return {data_.get(), size_}; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  // Returns memory after a large request, so that a connection between requests holds little.
  void shrink_if_empty(std::size_t keep) {
    if (size_ == 0 && capacity_ > keep) {
      release();
    }
  }
  // Keeps only the bytes not consumed yet (none: no memory at all), for an idle connection.
  void shrink_to_fit() {
    if (size_ == 0) {
      release();
    } else if (capacity_ - size_ >= kWorthShrinking) {
      auto exact = std::make_unique_for_overwrite<char[]>(size_);
      std::memcpy(exact.get(), data_.get(), size_);
      data_ = std::move(exact);
      capacity_ = size_;
    }
  }

 private:
  static constexpr std::size_t kWorthShrinking = 4096;

  void release() {
    data_.reset();
    capacity_ = 0;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace atomkv::proxy
