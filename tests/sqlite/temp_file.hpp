#pragma once
// A fresh SQLite file path under $TMPDIR for one test, removed (with its WAL files) afterwards.

#include <sqlite3.h>

#include <string>

namespace atomkv::sqlite_tests {

class temp_file {
 public:
  temp_file();
  ~temp_file();
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;

  const std::string& path() const { return path_; }
  // sqlite://<path>, with `options` as the query if given.
  std::string url(const std::string& options = "") const;

 private:
  std::string path_;
};

// Runs one SQL query on the file with SQLite itself and returns the first column of the first
// row as text ("" when there is none).
std::string query_text(const std::string& path, const std::string& sql);

// Runs SQL text (several statements) on the file with SQLite itself; fails the test on error.
void run_sql(const std::string& path, const char* sql);

}  // namespace atomkv::sqlite_tests

namespace atomkv {
class bucket;
}

namespace atomkv::sqlite_tests {

// Has the store merge its log into the keyspace table (a count of the bucket's keys does it
// first), so that the table alone can be queried.
void merge_log(atomkv::bucket& b);

}  // namespace atomkv::sqlite_tests
