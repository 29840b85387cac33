#pragma once
// wasi:keyvalue/batch. No atomicity is promised by the interface; every built-in backend applies
// each call atomically all the same (one MGET / MSET / DEL on Redis, one transaction elsewhere).

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "atomkv/store.hpp"

namespace atomkv::batch {

using key_value = std::pair<std::string, std::string>;

// One entry per key, in the order of `keys`: the key and its value, or none when it is missing.
result<std::vector<std::optional<key_value>>> get_many(const bucket& bucket,
                                                       std::span<const std::string> keys);

result<void> set_many(const bucket& bucket, std::span<const key_value> key_values);

// Missing keys are skipped.
result<void> delete_many(const bucket& bucket, std::span<const std::string> keys);

}  // namespace atomkv::batch
