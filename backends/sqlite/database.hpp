#pragma once
// One open SQLite file, shared by every store of this process that names the same file with the
// same options: one group-commit writer (so the whole process groups its writes) and a pool of
// read connections (WAL lets them read while the writer writes).

#include <memory>
#include <mutex>
#include <vector>

#include "connection.hpp"
#include "group_writer.hpp"
#include "sqlite_config.hpp"

namespace atomkv::sqlite {

class database;

// A read connection borrowed from the pool; goes back on destruction.
class reader {
 public:
  reader(database& owner, std::unique_ptr<connection> c) : owner_(&owner), c_(std::move(c)) {}
  reader(reader&&) = default;
  ~reader();
  connection& operator*() const { return *c_; }
  connection* operator->() const { return c_.get(); }

 private:
  database* owner_;
  std::unique_ptr<connection> c_;
};

class database {
 public:
  // The open database for `settings`, opening the file on first use.
  static result<std::shared_ptr<database>> open(const config& settings);

  group_writer& writer() { return *writer_; }
  result<reader> read();

 private:
  friend class reader;
  database(const config& settings, std::unique_ptr<group_writer> writer)
      : settings_(settings), writer_(std::move(writer)) {}
  void give_back(std::unique_ptr<connection> c);

  config settings_;
  std::unique_ptr<group_writer> writer_;
  std::mutex lock_;
  std::vector<std::unique_ptr<connection>> idle_;
};

}  // namespace atomkv::sqlite
