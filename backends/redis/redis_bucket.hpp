#pragma once
// A bucket on Redis: "" is the plain keyspace, any other identifier prefixes keys with
// "identifier:". The synchronous forms lease a pooled connection for one round trip; once the
// store is attached to an event loop, the asynchronous forms go through its engine instead
// (pipelined on shared connections, transactions on connections of their own).

#include <memory>
#include <string>

#include "atomkv/backend.hpp"
#include "loop_binding.hpp"
#include "pool.hpp"

namespace atomkv::redis {

class redis_bucket final : public backend::bucket {
 public:
  // `db`: the Redis database the pool's connections select (the engine selects the same one).
  redis_bucket(std::shared_ptr<pool> connections, std::string prefix, int db,
               std::shared_ptr<loop_binding> loop)
      : pool_(std::move(connections)),
        prefix_(std::move(prefix)),
        db_(db),
        loop_(std::move(loop)) {}

  result<std::vector<op_result>> apply(std::span<const operation> ops) override;
  result<std::unique_ptr<backend::transaction>> begin() override;
  result<backend::key_page> list_keys(std::optional<std::string_view> cursor,
                                      const backend::list_options& options) override;

  void apply_async(std::span<const operation> ops, std::uint64_t lane,
                   backend::apply_done done) override;
  void list_keys_async(std::optional<std::string_view> cursor, const backend::list_options& options,
                       backend::list_done done) override;
  bool completes_inline() const override { return loop_->engine == nullptr; }

  result<std::int64_t> increment(std::string_view key, std::int64_t delta) override;

 private:
  std::shared_ptr<pool> pool_;
  std::string prefix_;
  int db_;
  std::shared_ptr<loop_binding> loop_;
};

}  // namespace atomkv::redis
