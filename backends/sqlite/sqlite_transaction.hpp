#pragma once
// WATCH / MULTI / EXEC on SQLite: a watch reads each key's version (or, for a missing key, the
// file's clock) in one read transaction; commit hands the watches and the operations to the
// group-commit writer, which checks every watched version inside its BEGIN IMMEDIATE transaction
// and applies the operations only if none moved.
//
// On an event loop, watch_async and commit_async (and unwatch_async, unless nothing is in
// flight) are requests to the writer, so they keep their call order: a watch is read inside the
// writer's transaction, and a commit takes the watches that are there when the writer reaches it.

#include <memory>
#include <string>
#include <vector>

#include "atomkv/backend.hpp"
#include "database.hpp"
#include "loop_link.hpp"
#include "rows.hpp"
#include "watch_set.hpp"

namespace atomkv::sqlite {

class sqlite_transaction final : public backend::transaction {
 public:
  sqlite_transaction(std::shared_ptr<database> db, std::shared_ptr<loop_link> loop,
                     std::string bucket)
      : db_(std::move(db)), loop_(std::move(loop)), bucket_(std::move(bucket)) {}

  result<std::vector<std::optional<std::string>>> watch(std::span<const std::string_view> keys,
                                                        bool read_values) override;
  result<std::optional<std::vector<op_result>>> commit(std::span<const operation> ops) override;
  result<void> unwatch() override {
    watches_->clear();
    return outcome::success();
  }

  void watch_async(std::span<const std::string_view> keys, bool read_values,
                   backend::watch_done done) override;
  void commit_async(std::span<const operation> ops, backend::commit_done done) override;
  void unwatch_async(backend::unwatch_done done) override;

 private:
  // `done`, counted as in flight until it runs (on the loop).
  template <class R>
  std::function<void(R)> counted(std::function<void(R)> done);

  std::shared_ptr<database> db_;
  std::shared_ptr<loop_link> loop_;
  std::string bucket_;
  std::shared_ptr<watch_set> watches_ = std::make_shared<watch_set>();
  // Asynchronous calls not completed yet; used on the loop thread only.
  std::shared_ptr<std::size_t> in_flight_ = std::make_shared<std::size_t>(0);
};

}  // namespace atomkv::sqlite
