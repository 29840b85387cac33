#pragma once
// Helpers that make the group writer's behaviour deterministic in tests: a store opened with its
// counters in view, another connection holding the file's write lock (as another process would),
// and a bounded wait for the writer's queue to reach a given shape.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "atomkv/backend.hpp"
#include "sqlite/sqlite_store.hpp"
#include "temp_file.hpp"

namespace atomkv::sqlite_tests {

struct opened {
  std::shared_ptr<atomkv::sqlite::sqlite_store> store;
  std::shared_ptr<atomkv::backend::bucket> bucket;
};

// The store at `file` (with `options` as the URL's query) and its bucket "".
opened open_store(const temp_file& file, const std::string& options = "");

// Another connection holding the write lock from construction until release().
class lock_holder {
 public:
  explicit lock_holder(const std::string& path);
  void release();
  ~lock_holder();
  lock_holder(const lock_holder&) = delete;
  lock_holder& operator=(const lock_holder&) = delete;

 private:
  sqlite3* db_ = nullptr;
};

// Waits (bounded) until the writer thread sleeps: only a wake-up makes it take requests now.
void wait_until_writer_sleeps(const atomkv::sqlite::sqlite_store& store);

// Waits (bounded) until `queued` requests wait for the writer and `running` are in its group.
void wait_for(const atomkv::sqlite::sqlite_store& store, std::uint64_t queued,
              std::uint64_t running);

}  // namespace atomkv::sqlite_tests
