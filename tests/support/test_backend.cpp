#include "support/test_backend.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace atomkv::testing {
namespace {

// "sqlite-temp": a fresh SQLite file in $TMPDIR (ctest points it into the build tree), removed
// with its WAL files when the process exits.
std::string fresh_sqlite_file() {
  namespace fs = std::filesystem;
  static const fs::path file = [] {
    const char* dir = std::getenv("TMPDIR");
    fs::path base = dir && *dir ? fs::path(dir) : fs::temp_directory_path();
    fs::create_directories(base);
    return base / ("atomkv-test-" + std::to_string(::getpid()) + ".db");
  }();
  static const auto remove_files = [] {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ignored;
      fs::remove(file.string() + suffix, ignored);
    }
  };
  remove_files();
  static const bool registered = std::atexit([] { remove_files(); }) == 0;
  (void)registered;
  return "sqlite://" + (file.is_absolute() ? "" : std::string("./")) + file.string();
}

}  // namespace

std::string resolve_backend(const std::string& spec) {
  if (spec == "sqlite-temp") {
    return fresh_sqlite_file();
  }
  return spec;
}

}  // namespace atomkv::testing
