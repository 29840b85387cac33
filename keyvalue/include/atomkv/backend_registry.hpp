#pragma once
// How connect() finds a backend: one entry per URL scheme. The built-in entries are listed in
// backends/builtin_schemes.cpp; each backend's folder provides its factory.

#include <memory>
#include <span>
#include <string_view>

#include "atomkv/backend.hpp"
#include "atomkv/url.hpp"

namespace atomkv::backend {

using store_factory = result<std::shared_ptr<store>> (*)(const store_url& url);

struct scheme_entry {
  std::string_view scheme;
  store_factory make;
  // A network backend's store that does not reach the server before returning
  // (connect_options::reach_now false); null where `make` needs no network.
  store_factory make_unreached = nullptr;
};

std::span<const scheme_entry> builtin_schemes();

}  // namespace atomkv::backend
