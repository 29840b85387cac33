// The group's pending rows on their own, against a real file: buckets and keys never mix, a
// flush writes what changed (live values and tombstones), and a request's journal puts back
// exactly what that request changed.

#include "sqlite/pending_rows.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "sqlite/connection.hpp"
#include "sqlite/row_id.hpp"
#include "sqlite/schema.hpp"
#include "temp_file.hpp"

using atomkv::sqlite::connection;
using atomkv::sqlite::pending_rows;
using atomkv::sqlite_tests::query_text;
using atomkv::sqlite_tests::temp_file;

namespace {

std::string value_of(pending_rows& p, std::string_view bucket, std::string_view key) {
  const auto* e = p.find(bucket, key);
  if (e == nullptr) {
    return "<none>";
  }
  return e->present ? e->value : "<tombstone>";
}

// The row of `bucket`/`key` in the file as "value:version" (value NULL for a tombstone).
std::string row_in_file(const temp_file& file, const std::string& bucket_hex,
                        const std::string& key_hex) {
  return query_text(file.path(),
                    "SELECT quote(value) || ':' || version FROM keyspace WHERE bucket = x'" +
                        bucket_hex + "' AND key = x'" + key_hex + "'");
}

}  // namespace

TEST_CASE("pending rows keep buckets apart, flush what changed and undo one request", "[pending]") {
  temp_file file;
  auto opened = connection::open(file.path(), std::chrono::milliseconds(1000));
  REQUIRE(opened);
  auto& c = *opened.value();
  REQUIRE(atomkv::sqlite::prepare_file(c, true));
  REQUIRE(c.exec(atomkv::sqlite::sql::begin_write));

  pending_rows p;
  // "ab" + "c" and "a" + "bc" are different keys of different buckets.
  p.write("ab", "c", std::string_view("1"), 1);
  p.write("a", "bc", std::string_view("2"), 2);
  p.write("a", "bc", std::string_view("3"), 3);  // the last write is the one flushed
  CHECK(value_of(p, "ab", "c") == "1");
  CHECK(value_of(p, "a", "bc") == "3");
  CHECK(value_of(p, "a", "b") == "<none>");
  CHECK(p.has_dirty());
  REQUIRE(p.flush(c));
  CHECK_FALSE(p.has_dirty());

  // A request changes a flushed key, adds a key and buries another; undo puts all three back.
  p.begin_request();
  p.write("ab", "c", std::string_view("changed"), 4);
  p.write("ab", "new", std::string_view("x"), 5);
  p.write("a", "bc", std::nullopt, 6);
  CHECK(value_of(p, "a", "bc") == "<tombstone>");
  p.undo_request();
  CHECK(value_of(p, "ab", "c") == "1");
  CHECK(value_of(p, "ab", "new") == "<none>");
  CHECK(value_of(p, "a", "bc") == "3");
  CHECK_FALSE(p.has_dirty());  // what it put back was already in the file

  // A finished request stays; a tombstone reaches the file as NULL with its version.
  p.begin_request();
  p.write("a", "bc", std::nullopt, 7);
  p.end_request();
  p.forget_bucket("ab");
  CHECK(value_of(p, "ab", "c") == "<none>");
  CHECK(value_of(p, "a", "bc") == "<tombstone>");
  REQUIRE(p.flush(c));
  REQUIRE(c.exec(atomkv::sqlite::sql::commit));
  CHECK(row_in_file(file, "6162", "63") == "X'31':1");
  CHECK(row_in_file(file, "61", "6263") == "NULL:7");
  CHECK(row_in_file(file, "6162", "6e6577").empty());  // the undone key never reached the file
}

TEST_CASE("an entry remembered from the file does not hide the group's own write", "[pending]") {
  pending_rows p;
  p.write("b", "k", std::string_view("mine"), 9);
  pending_rows::entry from_file;
  from_file.has_row = true;
  from_file.present = true;
  from_file.version = 1;
  from_file.value = "old";
  p.remember("b", "k", from_file);
  CHECK(value_of(p, "b", "k") == "mine");
  p.remember("b", "other", from_file);
  CHECK(value_of(p, "b", "other") == "old");
  CHECK_FALSE(p.find("b", "other")->dirty);
}

TEST_CASE("a group's dirty entries become its log images, and the group's rows are gone",
          "[pending]") {
  pending_rows p;
  pending_rows::entry from_file;
  from_file.has_row = true;
  from_file.present = true;
  from_file.version = 1;
  from_file.value = "clean";
  p.remember("b", "read", from_file);
  p.write("b", "k", std::string_view("v1"), 2);
  p.write("b", "k", std::string_view("v2"), 3, 4102444800000);
  p.write("", "gone", std::nullopt, 4);
  auto images = p.take_dirty();
  REQUIRE(images.size() == 2);  // the clean entry is not written again
  std::sort(images.begin(), images.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string id;
  atomkv::sqlite::assign_row_id(id, "", "gone");
  CHECK(images[0].first == id);
  CHECK((!images[0].second.present && images[0].second.version == 4));
  atomkv::sqlite::assign_row_id(id, "b", "k");
  CHECK(images[1].first == id);
  CHECK((images[1].second.present && images[1].second.value == "v2"));
  CHECK((images[1].second.version == 3 && images[1].second.deadline == 4102444800000));
  CHECK(p.wrote_deadline());
  CHECK_FALSE(p.has_dirty());
  CHECK(p.find("b", "read") == nullptr);
}
