#include "atomkv/kept_operations.hpp"

#include <algorithm>

namespace atomkv {

kept_operations::kept_operations(std::span<const operation> ops) {
  std::size_t bytes = 0;
  for (const auto& op : ops) {
    bytes += op.key.size() + op.value.size() + op.type_name.value_or(std::string_view()).size();
    for (std::string_view part : op.pairs) {
      bytes += part.size();
    }
    for (std::string_view part : op.arguments) {
      bytes += part.size();
    }
  }
  if (bytes > 0) {
    // Past the short-string buffer, so that moving this object keeps the buffer and its views.
    storage_.reserve(std::max<std::size_t>(bytes, 64));
  }
  ops_.reserve(ops.size());
  for (const auto& op : ops) {
    operation copy = op;
    copy.key = keep(op.key);
    copy.value = keep(op.value);
    if (op.type_name) {
      copy.type_name = keep(*op.type_name);
    }
    if (!op.pairs.empty()) {
      auto& kept = parts_.emplace_back();
      for (std::string_view part : op.pairs) {
        kept.push_back(keep(part));
      }
      copy.pairs = kept;
    }
    if (!op.arguments.empty()) {
      auto& kept = parts_.emplace_back();
      for (std::string_view part : op.arguments) {
        kept.push_back(keep(part));
      }
      copy.arguments = kept;
    }
    if (!op.steps.empty()) {
      copy.steps = steps_.emplace_back(op.steps.begin(), op.steps.end());
    }
    ops_.push_back(copy);
  }
}

std::string_view kept_operations::keep(std::string_view bytes) {
  if (bytes.empty()) {
    // No byte to keep; a view that pointed somewhere still does (at a static empty string).
    return bytes.data() == nullptr ? std::string_view() : std::string_view("", 0);
  }
  const std::size_t at = storage_.size();
  storage_.append(bytes);  // within the capacity reserved: no reallocation
  return std::string_view(storage_).substr(at, bytes.size());
}

}  // namespace atomkv
