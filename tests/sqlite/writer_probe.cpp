#include "writer_probe.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "atomkv/url.hpp"

namespace atomkv::sqlite_tests {

opened open_store(const temp_file& file, const std::string& options) {
  auto url = atomkv::parse_store_url(file.url(options));
  REQUIRE(url);
  auto made = atomkv::sqlite::make_store(url.value());
  REQUIRE(made);
  auto store = std::dynamic_pointer_cast<atomkv::sqlite::sqlite_store>(made.value());
  REQUIRE(store);
  auto bucket = store->open("");
  REQUIRE(bucket);
  return {store, bucket.value()};
}

lock_holder::lock_holder(const std::string& path) {
  REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
}

void lock_holder::release() {
  if (db_) {
    REQUIRE(sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db_);
    db_ = nullptr;
  }
}

lock_holder::~lock_holder() {
  if (db_) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
}

void wait_for(const atomkv::sqlite::sqlite_store& store, std::uint64_t queued,
              std::uint64_t running) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    auto now = store.stats();
    if (now.queued == queued && now.running == running) {
      return;
    }
    INFO("waiting for queued " << queued << ", running " << running << "; now queued " << now.queued
                               << ", running " << now.running << ", groups " << now.groups
                               << ", requests " << now.requests);
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void wait_until_writer_sleeps(const atomkv::sqlite::sqlite_store& store) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!store.stats().thread_asleep) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace atomkv::sqlite_tests
