#pragma once
// CLIENT LIST / CLIENT INFO lines, in Redis 7's format.

#include <string>

namespace atomkv::proxy {

class client;

std::string describe_client(const client& c);

}  // namespace atomkv::proxy
