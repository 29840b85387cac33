#include "support/test_backend.hpp"

namespace atomkv::testing {

std::string resolve_backend(const std::string& spec) {
  return spec;
}

}  // namespace atomkv::testing
