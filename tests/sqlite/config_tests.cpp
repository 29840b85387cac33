// The sqlite:// URL: paths, options, and files that cannot be used.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "atomkv/atomkv.hpp"
#include "temp_file.hpp"

using atomkv::sqlite_tests::temp_file;

TEST_CASE("an absolute path with options opens, and the data survives a reopen", "[config]") {
  temp_file file;
  for (const char* options : {"", "synchronous=normal", "synchronous=full&busy_timeout_ms=500"}) {
    INFO(options);
    {
      auto store = atomkv::connect(file.url(options));
      REQUIRE(store);
      auto bucket = store.value().open("b");
      REQUIRE(bucket);
      REQUIRE(atomkv::atomics::increment(bucket.value(), "n", 1));
    }
    auto store = atomkv::connect(file.url());
    REQUIRE(store);
    CHECK(store.value().open("b").value().get("n").value().has_value());
  }
  auto store = atomkv::connect(file.url());
  CHECK(store.value().open("b").value().get("n").value() == "3");
  CHECK(atomkv::sqlite_tests::query_text(file.path(), "PRAGMA journal_mode") == "wal");
}

TEST_CASE("a relative path is relative to the working directory", "[config]") {
  temp_file file;
  auto dir = std::filesystem::path(file.path()).parent_path();
  auto name = std::filesystem::path(file.path()).filename().string();
  auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  {
    auto store = atomkv::connect("sqlite://./" + name);
    REQUIRE(store);
    REQUIRE(store.value().open("").value().set("k", "v"));
  }
  std::filesystem::current_path(previous);
  CHECK(std::filesystem::exists(file.path()));
  CHECK(atomkv::connect(file.url()).value().open("").value().get("k").value() == "v");
}

TEST_CASE("an unusable URL or file is no-such-store with a reason", "[config]") {
  temp_file file;
  {
    std::ofstream junk(file.path());
    junk << "this is not a database, just text that is long enough to have a header\n";
  }
  for (const std::string& url :
       {std::string("sqlite://"), std::string("sqlite:///"),
        std::string("sqlite:///no/such/directory/x.db"), file.url(),
        "sqlite://" + file.path() + "x?synchronous=off", "sqlite://" + file.path() + "x?nosuch=1",
        "sqlite://" + file.path() + "x?busy_timeout_ms=abc",
        std::string("sqlite://user@host:5/x.db")}) {
    INFO(url);
    auto store = atomkv::connect(url);
    REQUIRE_FALSE(store);
    CHECK(store.error().code == atomkv::error::kind::no_such_store);
    CHECK_FALSE(store.error().message.empty());
  }
  std::filesystem::remove(file.path() + "x");
}

TEST_CASE("a file holding another application's tables is refused", "[config]") {
  temp_file file;
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.path().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE theirs(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = atomkv::connect(file.url());
  REQUIRE_FALSE(store);
  CHECK(store.error().code == atomkv::error::kind::no_such_store);
}
