#pragma once
// A copy of a list of operations that owns every byte they point to (keys, values, patterns,
// MSETNX's pairs, BITOP's and BITCOUNT's arguments, BITFIELD's steps), for a backend that runs
// them after the call that handed them over has returned (backend.hpp: the caller reuses its
// storage at once).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/operation.hpp"

namespace atomkv {

class kept_operations {
 public:
  kept_operations() = default;
  explicit kept_operations(std::span<const operation> ops);
  // The views point into this object's own storage, which moves along with it.
  kept_operations(kept_operations&&) noexcept = default;
  kept_operations& operator=(kept_operations&&) noexcept = default;
  kept_operations(const kept_operations&) = delete;
  kept_operations& operator=(const kept_operations&) = delete;

  std::span<const operation> ops() const { return ops_; }

 private:
  std::string_view keep(std::string_view bytes);

  // Sized once, before anything is kept: the views into it never move. A moved std::string
  // keeps its buffer only when it is not a short string, so storage_ is given room for more
  // than the short-string buffer whenever it holds anything.
  std::string storage_;
  std::vector<std::vector<std::string_view>> parts_;  // moving a vector keeps its elements
  std::vector<std::vector<bitfield_step>> steps_;
  std::vector<operation> ops_;
};

}  // namespace atomkv
