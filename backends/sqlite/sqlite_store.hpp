#pragma once
// sqlite:// — the durable embedded backend: every bucket lives in one SQLite file (WAL mode), and
// an operation is acknowledged only once its transaction is committed at the configured
// synchronous level. See schema.hpp for the layout and group_writer.hpp for group commit.

#include <memory>

#include "atomkv/backend.hpp"
#include "atomkv/url.hpp"
#include "database.hpp"
#include "loop_link.hpp"

namespace atomkv::sqlite {

class sqlite_store final : public backend::store {
 public:
  explicit sqlite_store(std::shared_ptr<database> db)
      : db_(db), loop_(std::make_shared<loop_link>(std::move(db))) {}
  result<std::shared_ptr<backend::bucket>> open(std::string_view identifier) override;

  // On a loop, the asynchronous forms of this store's buckets and transactions are queued for
  // the writer without waiting, committed by the loop itself or the writer thread (loop_link.hpp)
  // and complete on the loop.
  result<void> attach_loop(uv_loop_s* loop) override { return loop_->attach(loop); }
  void detach_loop() override;

  // The group-commit counters of the file this store writes to.
  writer_stats stats() const { return db_->writer().stats(); }

 private:
  std::shared_ptr<database> db_;
  std::shared_ptr<loop_link> loop_;
};

result<std::shared_ptr<backend::store>> make_store(const store_url& url);

}  // namespace atomkv::sqlite
