#include "atomkv/object_answer.hpp"

#include <string>

#include "atomkv/counter.hpp"

namespace atomkv {
namespace {

constexpr std::size_t kLongestInt = 20;     // tryObjectEncoding tries string2l up to this length
constexpr std::size_t kLongestEmbstr = 44;  // OBJ_ENCODING_EMBSTR_SIZE_LIMIT
constexpr std::int64_t kSharedIntegers = 10000;       // OBJ_SHARED_INTEGERS
constexpr std::int64_t kSharedRefcount = 2147483647;  // OBJ_SHARED_REFCOUNT (INT_MAX)

std::optional<std::int64_t> as_int(std::string_view value) {
  return value.size() <= kLongestInt ? counter::parse(value) : std::nullopt;
}

}  // namespace

op_result object_answer(object_field field, std::string_view value) {
  switch (field) {
    case object_field::encoding:
      if (as_int(value)) {
        return op_result::of_value("int");
      }
      return op_result::of_value(value.size() <= kLongestEmbstr ? "embstr" : "raw");
    case object_field::refcount: {
      auto number = as_int(value);
      const bool shared = number && *number >= 0 && *number < kSharedIntegers;
      return op_result::of_integer(shared ? kSharedRefcount : 1);
    }
    case object_field::idletime:
      return op_result::of_integer(0);
    case object_field::freq:
      return op_result::failed(
          "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
          "that when switching between policies at runtime LRU and LFU data will take some time "
          "to adjust.");
  }
  return op_result::failed("ERR unknown OBJECT field");
}

}  // namespace atomkv
