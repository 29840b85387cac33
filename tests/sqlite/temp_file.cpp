#include "temp_file.hpp"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "atomkv/atomkv.hpp"

namespace atomkv::sqlite_tests {
namespace {

void remove_all(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::remove(path + suffix, ignored);
  }
}

}  // namespace

temp_file::temp_file() {
  static std::atomic<int> counter{0};
  const char* dir = std::getenv("TMPDIR");
  auto base = std::filesystem::absolute(dir && *dir ? std::filesystem::path(dir)
                                                    : std::filesystem::temp_directory_path());
  std::filesystem::create_directories(base);
  path_ = (base / ("atomkv-sqlite-test-" + std::to_string(::getpid()) + "-" +
                   std::to_string(counter++) + ".db"))
              .string();
  remove_all(path_);
}

temp_file::~temp_file() {
  remove_all(path_);
}

std::string temp_file::url(const std::string& options) const {
  return "sqlite://" + path_ + (options.empty() ? "" : "?" + options);
}

std::string query_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* statement = nullptr;
  int prepared = sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
  INFO(sqlite3_errmsg(db));
  REQUIRE(prepared == SQLITE_OK);
  std::string text;
  if (sqlite3_step(statement) == SQLITE_ROW) {
    auto* bytes = sqlite3_column_text(statement, 0);
    text = bytes ? reinterpret_cast<const char*>(bytes) : "";
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return text;
}

void run_sql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);  // a store's writer may hold the lock for a moment
  char* message = nullptr;
  const int code = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  INFO((message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(code == SQLITE_OK);
}

void merge_log(atomkv::bucket& b) {
  const atomkv::operation count = atomkv::operation::count();
  REQUIRE(b.backend().apply({&count, 1}));
}

}  // namespace atomkv::sqlite_tests
