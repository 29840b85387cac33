// The SQLite file's log (schema version 3): groups write their images to the log, every reader
// applies it over the table, the writer merges it in batches; files of version 2 are migrated.

#include <sqlite3.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"
#include "sqlite/log_images.hpp"
#include "sqlite/row_id.hpp"
#include "temp_file.hpp"

using atomkv::operation;
using atomkv::sqlite::key_image;
using atomkv::sqlite_tests::merge_log;
using atomkv::sqlite_tests::query_text;
using atomkv::sqlite_tests::run_sql;
using atomkv::sqlite_tests::temp_file;

namespace {

std::string row_id(std::string_view bucket, std::string_view key) {
  std::string id;
  atomkv::sqlite::assign_row_id(id, bucket, key);
  return id;
}

struct decoded {
  std::string bucket;
  std::string key;
  key_image image;
};

atomkv::result<std::vector<decoded>> decode(std::string_view images) {
  std::vector<decoded> out;
  auto read = atomkv::sqlite::for_each_image(images, [&](std::string_view id, key_image&& image) {
    auto split = atomkv::sqlite::split_row_id(id);
    REQUIRE(split);
    out.push_back({std::string(split->first), std::string(split->second), std::move(image)});
  });
  if (!read) {
    return atomkv::failure(read.error());
  }
  return out;
}

// Exactly what version 2 created, with rows of two buckets.
constexpr const char* kVersion2 =
    "PRAGMA journal_mode = WAL;"
    "CREATE TABLE kv(bucket BLOB NOT NULL, key BLOB NOT NULL, value BLOB,"
    "  version INTEGER NOT NULL, deadline INTEGER, seq INTEGER NOT NULL,"
    "  PRIMARY KEY(bucket, key)) WITHOUT ROWID;"
    "CREATE INDEX kv_pages ON kv(bucket, seq);"
    "CREATE INDEX kv_tombstones ON kv(version) WHERE value IS NULL;"
    "CREATE INDEX kv_deadlines ON kv(deadline) WHERE deadline IS NOT NULL;"
    "CREATE TABLE meta(id INTEGER PRIMARY KEY CHECK (id = 1), clock INTEGER NOT NULL,"
    "  horizon INTEGER NOT NULL, expired INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO meta VALUES (1, 9, 1, 4);"
    "INSERT INTO kv VALUES"
    " (x'', CAST('a' AS BLOB), CAST('1' AS BLOB), 5, NULL, 2),"
    " (x'', CAST('gone' AS BLOB), NULL, 6, NULL, 3),"
    " (x'', CAST('t' AS BLOB), CAST('later' AS BLOB), 8, 4102444800000, 8),"
    " (CAST('b' AS BLOB), CAST('a' AS BLOB), CAST('other' AS BLOB), 9, NULL, 9);"
    "PRAGMA user_version = 2;";

std::string count_of(const temp_file& file, const std::string& table) {
  return query_text(file.path(), "SELECT count(*) FROM " + table);
}

}  // namespace

TEST_CASE("log images: every field round-trips and a damaged row is refused whole", "[log]") {
  std::string row;
  const std::string zeros("a\0b", 3);
  atomkv::sqlite::append_image(row, row_id("", "k"), key_image{true, 7, std::nullopt, "v"});
  atomkv::sqlite::append_image(row, row_id("b", zeros), key_image{true, 9, 4102444800000, ""});
  atomkv::sqlite::append_image(row, row_id("ab", "c"), key_image{false, 1LL << 40, {}, {}});
  CHECK(row.size() == atomkv::sqlite::image_size(row_id("", "k"), {true, 7, std::nullopt, "v"}) +
                          atomkv::sqlite::image_size(row_id("b", zeros), {true, 9, 1, ""}) +
                          atomkv::sqlite::image_size(row_id("ab", "c"), {false, 1, {}, {}}));
  auto read = decode(row);
  REQUIRE(read);
  REQUIRE(read.value().size() == 3);
  const auto& images = read.value();
  CHECK((images[0].bucket == "" && images[0].key == "k" && images[0].image.present));
  CHECK(
      (images[0].image.version == 7 && !images[0].image.deadline && images[0].image.value == "v"));
  CHECK((images[1].bucket == "b" && images[1].key == zeros && images[1].image.value.empty()));
  CHECK((images[1].image.deadline == 4102444800000 && images[1].image.version == 9));
  CHECK((images[2].bucket == "ab" && images[2].key == "c" && !images[2].image.present));
  CHECK(images[2].image.version == 1LL << 40);

  // Cut anywhere short of the end: refused, and nothing of it handed out, except exactly at
  // the boundaries between images (a shorter, valid row). A stray byte or an unknown flag too.
  const std::size_t first_end = atomkv::sqlite::image_size(row_id("", "k"), images[0].image);
  const std::size_t second_end =
      first_end + atomkv::sqlite::image_size(row_id("b", zeros), images[1].image);
  for (std::size_t cut = 1; cut < row.size(); ++cut) {
    std::size_t handed = 0;
    auto partial = atomkv::sqlite::for_each_image(std::string_view(row).substr(0, cut),
                                                  [&](std::string_view, key_image&&) { ++handed; });
    INFO("cut at " << cut);
    const bool boundary = cut == first_end || cut == second_end;
    CHECK(partial.has_value() == boundary);
    CHECK(handed == (!boundary ? 0 : cut == first_end ? 1 : 2));
  }
  CHECK_FALSE(decode(row + "x"));
  std::string bad_flag;
  atomkv::sqlite::append_image(bad_flag, row_id("", "k"), key_image{false, 1, {}, {}});
  bad_flag[8 + row_id("", "k").size()] = 4;
  CHECK_FALSE(decode(bad_flag));
  CHECK(decode("").value().empty());
}

TEST_CASE("a version 2 file is migrated to the log layout, and a version 2 reader fails",
          "[log][schema]") {
  temp_file file;
  run_sql(file.path(), kVersion2);
  // A process of version 2 that has the file open: its statement names the old table.
  sqlite3* old = nullptr;
  REQUIRE(sqlite3_open(file.path().c_str(), &old) == SQLITE_OK);
  sqlite3_stmt* old_find = nullptr;
  REQUIRE(sqlite3_prepare_v2(old, "SELECT value FROM kv WHERE bucket = x'' AND key = 'a'", -1,
                             &old_find, nullptr) == SQLITE_OK);
  {
    auto store = atomkv::connect(file.url()).value();
    auto plain = store.open("").value();
    CHECK(query_text(file.path(), "PRAGMA user_version") == "3");
    CHECK(plain.get("a").value() == "1");
    CHECK_FALSE(plain.get("gone").value().has_value());
    CHECK(store.open("b").value().get("a").value() == "other");
    CHECK(plain.time_to_live("t").value().deadline_ms == 4102444800000);
    CHECK(query_text(file.path(),
                     "SELECT clock || ',' || horizon || ',' || expired || ',' || "
                     "log_last || ',' || merged_through FROM file_state") == "9,1,4,0,0");
    // Versions go on from the clock; listings keep their seqs (a cursor of before still works).
    REQUIRE(plain.set("n", "new"));
    merge_log(plain);
    CHECK(query_text(file.path(), "SELECT version FROM keyspace WHERE key = CAST('n' AS BLOB)") ==
          "10");
    auto rest = plain.backend().list_keys(std::string_view("3"), {}).value();
    CHECK(rest.keys == std::vector<std::string>{"t", "n"});
  }
  CHECK(sqlite3_step(old_find) == SQLITE_ERROR);
  CHECK(std::string(sqlite3_errmsg(old)).find("no such table") != std::string::npos);
  sqlite3_finalize(old_find);
  sqlite3_close(old);
}

TEST_CASE("a group's writes go to the log; other writers and readers see them at once", "[log]") {
  temp_file file;
  // Two stores of one file with different options: two writers with their own connections,
  // as two processes have.
  auto first = atomkv::connect(file.url()).value().open("").value();
  auto second = atomkv::connect(file.url("synchronous=normal")).value().open("").value();
  std::vector<operation> many;
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) {
    names.push_back("k" + std::to_string(i));
  }
  for (const auto& name : names) {
    many.push_back(operation::set(name, name));
  }
  REQUIRE(first.backend().apply(many));
  CHECK(count_of(file, "keyspace") == "0");
  CHECK(count_of(file, "log") == "1");  // one group, one row

  CHECK(second.get("k42").value() == "k42");
  REQUIRE(second.set("k42", "changed"));
  CHECK(first.get("k42").value() == "changed");
  CHECK(atomkv::atomics::increment(first, "k42n", 5).value() == 5);
  CHECK(atomkv::atomics::increment(second, "k42n", 5).value() == 10);

  // A watch reads the version from the log: another writer's write there is a conflict.
  auto watch = first.backend().begin().value();
  std::vector<std::string_view> keys{"k7"};
  REQUIRE(watch->watch(keys, false));
  REQUIRE(second.set("k7", "theirs"));
  std::vector<operation> mine{operation::set("k7", "mine")};
  CHECK_FALSE(watch->commit(mine).value().has_value());
  CHECK(first.get("k7").value() == "theirs");

  // A count merges the log into the table; both stores read on from the table.
  auto counted = first.backend().apply({{operation::count()}}).value();
  CHECK(counted.at(0).integer == 101);
  CHECK(count_of(file, "log") == "0");
  CHECK(count_of(file, "keyspace") == "101");
  CHECK(query_text(file.path(), "SELECT log_last = merged_through FROM file_state") == "1");
  CHECK(second.get("k42").value() == "changed");
  CHECK(second.get("k7").value() == "theirs");
  REQUIRE(second.remove("k7"));
  CHECK_FALSE(first.get("k7").value().has_value());
  auto listed = second.backend().list_keys(std::nullopt, {.count_hint = 1000}).value();
  CHECK(listed.keys.size() == 100);
}

TEST_CASE("a group larger than a log row writes several; a close merges the log", "[log]") {
  temp_file file;
  const std::string big(10 << 20, 'x');
  const std::string bigger = big + "y";
  {
    auto store = atomkv::connect(file.url("synchronous=normal")).value();
    auto plain = store.open("").value();
    std::vector<operation> two{operation::set("big1", big), operation::set("big2", bigger)};
    REQUIRE(plain.backend().apply(two));
    CHECK(count_of(file, "log") == "2");
    CHECK(plain.get("big2").value()->size() == big.size() + 1);
    REQUIRE(plain.set("small", "s"));
  }
  CHECK(count_of(file, "log") == "0");
  CHECK(count_of(file, "keyspace") == "3");
  auto again = atomkv::connect(file.url()).value().open("").value();
  CHECK(again.get("big1").value() == big);
  CHECK(again.get("small").value() == "s");
}

TEST_CASE("a reader of one store sees whole groups while another store writes and merges",
          "[log][concurrent]") {
  temp_file file;
  auto writer = atomkv::connect(file.url("synchronous=normal")).value().open("").value();
  auto reader = atomkv::connect(file.url()).value().open("").value();
  // 40 groups of 3,500 new keys and one increment: the log passes 65,536 keys twice, so the
  // writer merges while the reader reads.
  constexpr int kGroups = 40;
  constexpr int kPerGroup = 3500;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> torn{0};
  std::thread reading([&] {
    std::int64_t last = 0;
    while (!done.load()) {
      auto count = reader.get("c");
      if (!count) {
        ++torn;
        continue;
      }
      const std::int64_t n = count.value() ? std::stoll(*count.value()) : 0;
      // The group that made the count n also wrote its keys: one snapshot has both.
      auto key = reader.get("k" + std::to_string((n - 1) * kPerGroup + kPerGroup - 1));
      if (n < last || (n > 0 && (!key || !key.value()))) {
        ++torn;
      }
      last = n;
      ++reads;
    }
  });
  std::vector<std::string> names;
  for (int i = 0; i < kGroups * kPerGroup; ++i) {
    names.push_back("k" + std::to_string(i));
  }
  for (int g = 0; g < kGroups; ++g) {
    std::vector<operation> group;
    for (int i = g * kPerGroup; i < (g + 1) * kPerGroup; ++i) {
      group.push_back(operation::set(names[i], "v"));
    }
    group.push_back(operation::increment("c", 1));
    REQUIRE(writer.backend().apply(group));
  }
  done = true;
  reading.join();
  CHECK(torn.load() == 0);
  CHECK(reads.load() > 0);
  CHECK(reader.get("c").value() == std::to_string(kGroups));
  CHECK(query_text(file.path(), "SELECT count(*) FROM keyspace") != "0");  // merged at least once
  auto counted = reader.backend().apply({{operation::count()}}).value();
  CHECK(counted.at(0).integer == kGroups * kPerGroup + 1);
}

TEST_CASE("a merge cut short leaves the table and the log as they were", "[log]") {
  temp_file file;
  const auto refuse_zz = [&] {
    // SQLite itself refuses the table's row for "zz" while the trigger is there. A merge writes
    // in the table's order, so "a" is written before "zz" fails: a merge stopped part-way.
    run_sql(file.path(),
            "CREATE TRIGGER refuse_zz BEFORE INSERT ON keyspace WHEN NEW.key = CAST('zz' AS "
            "BLOB) BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;");
  };
  {
    auto store = atomkv::connect(file.url()).value().open("").value();
    refuse_zz();
    // One group, one log row: any merge from now on meets "zz".
    REQUIRE(store.backend().apply({{operation::set("a", "1"), operation::set("zz", "2")}}));

    auto counted = store.backend().apply({{operation::count()}});
    REQUIRE_FALSE(counted);
    CHECK(counted.error().message.find("refused for the test") != std::string::npos);
    CHECK(count_of(file, "keyspace") == "0");  // "a" was written, then undone with the rest
    CHECK(count_of(file, "log") == "1");
    CHECK(store.get("a").value() == "1");
    CHECK(store.get("zz").value() == "2");
    // Writes that need no merge go on meanwhile, on top of the log.
    CHECK(atomkv::atomics::increment(store, "a", 4).value() == 5);
    REQUIRE(store.set("c", "3"));
  }
  // The close's merge failed as well: the log holds everything, and an open, which merges
  // first, refuses the file with SQLite's reason while the merge cannot be done.
  CHECK(count_of(file, "keyspace") == "0");
  CHECK(count_of(file, "log") == "3");
  auto refused = atomkv::connect(file.url());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("refused for the test") != std::string::npos);

  run_sql(file.path(), "DROP TRIGGER refuse_zz;");
  auto store = atomkv::connect(file.url()).value().open("").value();
  CHECK(count_of(file, "log") == "0");
  CHECK(query_text(file.path(), "SELECT count(*) FROM keyspace WHERE value IS NOT NULL") == "3");
  CHECK(store.get("a").value() == "5");
  CHECK(store.get("zz").value() == "2");
  CHECK(store.get("c").value() == "3");

  // The same in a running store: the next merge writes everything.
  refuse_zz();
  REQUIRE(store.backend().apply({{operation::set("zz", "22"), operation::set("d", "4")}}));
  auto refused_count = store.backend().apply({{operation::count()}});
  REQUIRE_FALSE(refused_count);
  CHECK(refused_count.error().message.find("refused for the test") != std::string::npos);
  CHECK(store.get("zz").value() == "22");
  run_sql(file.path(), "DROP TRIGGER refuse_zz;");
  auto counted = store.backend().apply({{operation::count()}});
  REQUIRE(counted);
  CHECK(counted.value().at(0).integer == 4);
  CHECK(count_of(file, "log") == "0");
  CHECK(query_text(file.path(),
                   "SELECT CAST(value AS TEXT) FROM keyspace WHERE key = "
                   "CAST('zz' AS BLOB)") == "22");
}
