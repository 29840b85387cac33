#pragma once
// Redis glob patterns, as KEYS and SCAN MATCH use them: * ? [abc] [^a] [a-z] and \ escapes.

#include <string_view>

namespace atomkv {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace atomkv
