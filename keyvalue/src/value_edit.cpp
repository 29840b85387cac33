#include "atomkv/value_edit.hpp"

#include "atomkv/bit_edits.hpp"
#include "atomkv/string_edits.hpp"

namespace atomkv {
namespace {

op_result length_of(const std::string& value) {
  return op_result::of_integer(static_cast<std::int64_t>(value.size()));
}

edit_outcome append(const operation& op, std::string& value, bool& exists) {
  if (exists && !string_edits::fits(static_cast<std::int64_t>(value.size()),
                                    static_cast<std::int64_t>(op.value.size()))) {
    return {op_result::failed(std::string(string_edits::too_long))};
  }
  if (!exists) {
    value.clear();
    exists = true;
  }
  value.append(op.value);
  return {length_of(value), true};  // Redis signals even an empty append
}

edit_outcome set_range(const operation& op, std::string& value, bool& exists) {
  if (op.offset < 0) {
    return {op_result::failed(std::string(string_edits::offset_out_of_range))};
  }
  if (op.value.empty()) {
    return {op_result::of_integer(exists ? static_cast<std::int64_t>(value.size()) : 0)};
  }
  if (!exists) {
    value.clear();
  }
  if (!string_edits::write_at(value, op.offset, op.value)) {
    return {op_result::failed(std::string(string_edits::too_long))};
  }
  exists = true;
  return {length_of(value), true};
}

edit_outcome increment_float(const operation& op, std::string& value, bool& exists) {
  auto sum = string_edits::add_float(exists ? std::optional<std::string_view>(value) : std::nullopt,
                                     op.value);
  if (!sum.error.empty()) {
    return {op_result::failed(std::string(sum.error))};
  }
  value = sum.text;
  exists = true;
  return {op_result::of_value(std::move(sum.text)), true};
}

}  // namespace

bool is_value_edit(operation::kind what) {
  switch (what) {
    case operation::kind::append:
    case operation::kind::get_range:
    case operation::kind::set_range:
    case operation::kind::increment_float:
    case operation::kind::set_bit:
    case operation::kind::get_bit:
    case operation::kind::bit_count:
    case operation::kind::bit_position:
    case operation::kind::bitfield:
      return true;
    default:
      return false;
  }
}

edit_outcome edit_value(const operation& op, std::string& value, bool& exists) {
  switch (op.what) {
    case operation::kind::append:
      return append(op, value, exists);
    case operation::kind::get_range:
      return {op_result::of_value(
          exists ? std::string(string_edits::range(value, op.offset, op.end)) : std::string())};
    case operation::kind::set_range:
      return set_range(op, value, exists);
    case operation::kind::increment_float:
      return increment_float(op, value, exists);
    case operation::kind::set_bit: {
      const bool created = !exists;
      if (created) {
        value.clear();
        exists = true;
      }
      bool modified = false;
      int before = bit_edits::set_bit(value, static_cast<std::uint64_t>(op.offset),
                                      static_cast<int>(op.delta), created, modified);
      return {op_result::of_integer(before), modified};
    }
    case operation::kind::get_bit:
      return {op_result::of_integer(
          exists ? bit_edits::get_bit(value, static_cast<std::uint64_t>(op.offset)) : 0)};
    case operation::kind::bit_count:
      return {exists ? bit_edits::bit_count(value, op.arguments) : op_result::of_integer(0)};
    case operation::kind::bit_position:
      if (!exists) {
        return {op_result::of_integer(op.delta != 0 ? -1 : 0)};
      }
      return {bit_edits::bit_position(value, static_cast<int>(op.delta), op.arguments)};
    case operation::kind::bitfield: {
      if (!exists) {
        value.clear();
      }
      const bool created = !exists;
      bool modified = false;
      op_result answer = bit_edits::bitfield(value, exists, op.steps, modified);
      return {std::move(answer), modified || (created && exists)};
    }
    default:
      return {op_result::failed("ERR unsupported operation")};
  }
}

}  // namespace atomkv
