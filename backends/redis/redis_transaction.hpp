#pragma once
// WATCH / MULTI / EXEC on one leased connection. The first watch (or a commit without watches)
// leases a connection; it stays with the transaction while watches are live and after a
// conflict, so that the refresh of a failed cas watches again on the same connection. A
// successful commit or an unwatch gives it back (EXEC and UNWATCH leave no watches behind); a
// transaction dropped with live watches sends UNWATCH first, and if that fails the connection
// is closed instead of reused.

#include <memory>
#include <string>

#include "atomkv/backend.hpp"
#include "pool.hpp"

namespace atomkv::redis {

class redis_transaction final : public backend::transaction {
 public:
  // `db`: the database the pool's connections select.
  redis_transaction(std::shared_ptr<pool> connections, std::string prefix, int db)
      : pool_(std::move(connections)), prefix_(std::move(prefix)), db_(db) {}
  ~redis_transaction() override { (void)unwatch(); }

  result<std::vector<std::optional<std::string>>> watch(std::span<const std::string_view> keys,
                                                        bool read_values) override;
  result<std::optional<std::vector<op_result>>> commit(std::span<const operation> ops) override;
  result<void> unwatch() override;

 private:
  result<void> ensure_connection();
  result<void> exchange(const request& req, reply_sink& sink);

  std::shared_ptr<pool> pool_;
  std::string prefix_;
  int db_;
  pool::lease lease_;  // declared after pool_: given back before the pool can go away
  bool watching_ = false;
  // The connection holding watches broke: the next commit fails instead of running unwatched.
  bool watches_lost_ = false;
};

}  // namespace atomkv::redis
