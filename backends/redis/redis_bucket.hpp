#pragma once
// A bucket on Redis: "" is the plain keyspace, any other identifier prefixes keys with
// "identifier:". Each call leases a connection for one round trip.

#include <memory>
#include <string>

#include "atomkv/backend.hpp"
#include "pool.hpp"

namespace atomkv::redis {

class redis_bucket final : public backend::bucket {
 public:
  redis_bucket(std::shared_ptr<pool> connections, std::string prefix)
      : pool_(std::move(connections)), prefix_(std::move(prefix)) {}

  result<std::vector<op_result>> apply(std::span<const operation> ops) override;
  result<std::unique_ptr<backend::transaction>> begin() override;
  result<backend::key_page> list_keys(std::optional<std::string_view> cursor,
                                      const backend::list_options& options) override;

  result<std::int64_t> increment(std::string_view key, std::int64_t delta) override;

 private:
  std::shared_ptr<pool> pool_;
  std::string prefix_;
};

}  // namespace atomkv::redis
