#pragma once
// One bucket of a SQLite file: its rows are those whose `bucket` column is its identifier.
// Read-only batches run on a pooled read connection inside one read transaction (a consistent
// snapshot); anything that writes goes to the group-commit writer.
//
// apply_async (and the transaction's watch_async/commit_async) are the contract's defaults: they
// block until the commit, as apply does. An event loop that calls them on its own thread gets one
// commit per request and no grouping; it should call them from worker threads instead.

#include <memory>
#include <string>

#include "atomkv/backend.hpp"
#include "database.hpp"

namespace atomkv::sqlite {

class sqlite_bucket final : public backend::bucket {
 public:
  sqlite_bucket(std::shared_ptr<database> db, std::string_view identifier)
      : db_(std::move(db)), name_(identifier) {}

  result<std::vector<op_result>> apply(std::span<const operation> ops) override;
  result<std::unique_ptr<backend::transaction>> begin() override;
  result<backend::key_page> list_keys(std::optional<std::string_view> cursor,
                                      const backend::list_options& options) override;

  result<std::optional<std::string>> get(std::string_view key) override;
  result<bool> exists(std::string_view key) override;

 private:
  result<std::vector<op_result>> read_only(std::span<const operation> ops);

  std::shared_ptr<database> db_;
  std::string name_;
};

}  // namespace atomkv::sqlite
