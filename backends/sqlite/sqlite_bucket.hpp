#pragma once
// One bucket of a SQLite file: its rows are those whose `bucket` column is its identifier.
// Read-only batches run on a pooled read connection inside one read transaction (a consistent
// snapshot); anything that writes goes to the group-commit writer.
//
// On an event loop (store::attach_loop), the asynchronous forms queue every call, reads
// included, to the writer without waiting, and complete on the loop once its group commits.
// The writer's one FIFO keeps each lane's order, and a read sees every write queued before it.

#include <memory>
#include <string>

#include "atomkv/backend.hpp"
#include "database.hpp"
#include "loop_link.hpp"

namespace atomkv::sqlite {

class sqlite_bucket final : public backend::bucket {
 public:
  sqlite_bucket(std::shared_ptr<database> db, std::shared_ptr<loop_link> loop,
                std::string_view identifier)
      : db_(std::move(db)), loop_(std::move(loop)), name_(identifier) {}

  result<std::vector<op_result>> apply(std::span<const operation> ops) override;
  void apply_async(std::span<const operation> ops, std::uint64_t lane,
                   backend::apply_done done) override;
  bool completes_inline() const override { return !loop_->attached(); }

  result<std::unique_ptr<backend::transaction>> begin() override;

  result<backend::key_page> list_keys(std::optional<std::string_view> cursor,
                                      const backend::list_options& options) override;
  void list_keys_async(std::optional<std::string_view> cursor, const backend::list_options& options,
                       backend::list_done done) override;

  result<std::optional<std::string>> get(std::string_view key) override;
  result<bool> exists(std::string_view key) override;

 private:
  result<std::vector<op_result>> read_only(std::span<const operation> ops);

  std::shared_ptr<database> db_;
  std::shared_ptr<loop_link> loop_;
  std::string name_;
};

}  // namespace atomkv::sqlite
