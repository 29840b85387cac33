#pragma once
// WATCH / MULTI / EXEC on SQLite: a watch reads each key's version (or, for a missing key, the
// file's clock) in one read transaction; commit hands the watches and the operations to the
// group-commit writer, which checks every watched version inside its BEGIN IMMEDIATE transaction
// and applies the operations only if none moved.

#include <memory>
#include <string>
#include <vector>

#include "atomkv/backend.hpp"
#include "database.hpp"
#include "rows.hpp"

namespace atomkv::sqlite {

class sqlite_transaction final : public backend::transaction {
 public:
  sqlite_transaction(std::shared_ptr<database> db, std::string bucket)
      : db_(std::move(db)), bucket_(std::move(bucket)) {}

  result<std::vector<std::optional<std::string>>> watch(std::span<const std::string_view> keys,
                                                        bool read_values) override;
  result<std::optional<std::vector<op_result>>> commit(std::span<const operation> ops) override;
  result<void> unwatch() override {
    watches_.clear();
    return outcome::success();
  }

 private:
  std::shared_ptr<database> db_;
  std::string bucket_;
  std::vector<watched_key> watches_;
};

}  // namespace atomkv::sqlite
