#pragma once
// WATCH / MULTI / EXEC on the event loop: a connection of its own, leased from the engine at the
// first call and pinned to the transaction while anything depends on it (a live WATCH, a call in
// flight); then given back, clean. EXEC always goes out as MULTI ... EXEC in one piece, so a
// connection is never left inside MULTI. A transaction destroyed with calls in flight or watches
// live gives its connection back behind an UNWATCH, which must be acknowledged before reuse.
//
// If the connection holding the watches is lost, the watches are gone: the next commit fails
// (never an unconditional write), and so does a new watch until commit or unwatch resets.
//
// The synchronous forms run on a pooled blocking connection of their own (redis_transaction);
// one transaction is meant to be used in one style.

#include <memory>
#include <string>

#include "async_engine.hpp"
#include "atomkv/backend.hpp"
#include "pool.hpp"
#include "redis_transaction.hpp"

namespace atomkv::redis {

class async_transaction final : public backend::transaction {
 public:
  async_transaction(std::shared_ptr<async_engine> engine, int db, std::string prefix,
                    std::shared_ptr<pool> connections);
  ~async_transaction() override;

  result<std::vector<std::optional<std::string>>> watch(std::span<const std::string_view> keys,
                                                        bool read_values) override;
  result<std::optional<std::vector<op_result>>> commit(std::span<const operation> ops) override;
  result<void> unwatch() override;

  void watch_async(std::span<const std::string_view> keys, bool read_values,
                   backend::watch_done done) override;
  void commit_async(std::span<const operation> ops, backend::commit_done done) override;
  void unwatch_async(backend::unwatch_done done) override;

 private:
  struct pinned;  // shared with the calls in flight, which may outlive the transaction

  std::shared_ptr<pinned> pin_;
  redis_transaction blocking_;
};

}  // namespace atomkv::redis
