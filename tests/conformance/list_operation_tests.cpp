// The list operation: KEYS and SCAN inside a batch, seeing the batch's earlier operations.

#include <catch2/catch.hpp>
#include <set>

#include "conformance/fixture.hpp"

using atomkv::op_result;
using atomkv::operation;
using atomkv::conformance::fixture;
using atomkv::conformance::one_slot_fixture;

namespace {

std::vector<op_result> apply(const atomkv::bucket& bucket, const std::vector<operation>& ops) {
  auto applied = bucket.backend().apply(ops);
  REQUIRE(applied);
  REQUIRE(applied.value().size() == ops.size());
  return std::move(applied).value();
}

// The keys of a complete listing, sorted; fails on anything else.
std::vector<std::string> keys_of(const op_result& r) {
  INFO("error: " << r.text);
  REQUIRE(r.what == op_result::kind::keys);
  CHECK(r.text.empty());  // no cursor: the listing is complete
  std::vector<std::string> keys = r.keys;
  std::sort(keys.begin(), keys.end());
  return keys;
}

using names = std::vector<std::string>;

// The keys of the page `first` and of every page after it, distinct and sorted.
std::vector<std::string> with_later_pages(const atomkv::bucket& bucket, op_result first,
                                          const std::string& pattern, std::int64_t page_size,
                                          int* pages = nullptr) {
  std::set<std::string> seen;
  int count = 0;
  op_result page = std::move(first);
  while (true) {
    INFO("error: " << page.text);
    REQUIRE(page.what == op_result::kind::keys);
    seen.insert(page.keys.begin(), page.keys.end());
    CHECK(page.text != "0");
    REQUIRE(++count < 100000);
    if (page.text.empty()) {
      break;
    }
    page = apply(bucket, {operation::list(pattern, page.text, page_size)})[0];
  }
  if (pages) {
    *pages = count;
  }
  return {seen.begin(), seen.end()};
}

// Every page of a paged listing, from the start.
std::vector<std::string> all_pages(const atomkv::bucket& bucket, const std::string& pattern,
                                   std::int64_t page_size, int* pages = nullptr) {
  auto first = apply(bucket, {operation::list(pattern, "", page_size)})[0];
  return with_later_pages(bucket, std::move(first), pattern, page_size, pages);
}

}  // namespace

TEST_CASE_METHOD(one_slot_fixture, "list sees the operations before it in the batch",
                 "[apply][list]") {
  REQUIRE(bucket.set("pre", "0"));
  auto results = apply(bucket, {
                                   operation::set("a", "1"),
                                   operation::list("*"),
                                   operation::remove("pre"),
                                   operation::list("*"),
                                   operation::list("a"),
                                   operation::list("nomatch*"),
                                   operation::list(""),
                                   operation::set("", "empty"),
                                   operation::list(""),
                                   operation::clear(),
                                   operation::list("*"),
                                   operation::set("b", "2"),
                                   operation::list("*", "", 1000),
                               });
  CHECK(keys_of(results[1]) == names{"a", "pre"});
  CHECK(keys_of(results[3]) == names{"a"});
  CHECK(keys_of(results[4]) == names{"a"});
  CHECK(keys_of(results[5]).empty());
  CHECK(keys_of(results[6]).empty());  // "" matches only the empty key
  CHECK(keys_of(results[8]) == names{""});
  CHECK(keys_of(results[10]).empty());
  // A page lists what the batch left too; on a shared server the listing may take more pages.
  CHECK(with_later_pages(bucket, results[12], "*", 1000) == names{"b"});
}

TEST_CASE_METHOD(fixture, "list matches Redis globs", "[apply][list]") {
  for (const char* key : {"a*b", "a?b", "axb", "[x]", "ab", "A*B"}) {
    REQUIRE(bucket.set(key, "v"));
  }
  auto results =
      apply(bucket, {operation::list("a\\*b"), operation::list("a?b"), operation::list("\\[x\\]"),
                     operation::list("[ab]*"), operation::list("a*")});
  CHECK(keys_of(results[0]) == names{"a*b"});
  CHECK(keys_of(results[1]) == names{"a*b", "a?b", "axb"});
  CHECK(keys_of(results[2]) == names{"[x]"});
  CHECK(keys_of(results[3]) == names{"a*b", "a?b", "ab", "axb"});
  CHECK(keys_of(results[4]) == names{"a*b", "a?b", "ab", "axb"});
}

// On Redis a bucket is a key prefix: its glob characters must not match other buckets' keys.
TEST_CASE_METHOD(fixture, "list lists only its own bucket, whatever the bucket's name",
                 "[apply][list]") {
  auto globby = store.open(bucket_name + "[ab]");
  auto plain = store.open(bucket_name + "a");
  REQUIRE(globby);
  REQUIRE(plain);
  REQUIRE(plain.value().set("theirs", "v"));
  REQUIRE(bucket.set("other", "v"));
  CHECK(keys_of(apply(globby.value(), {operation::list("*")})[0]).empty());
  REQUIRE(globby.value().set("mine", "v"));
  CHECK(keys_of(apply(globby.value(), {operation::list("*")})[0]) == names{"mine"});
  CHECK(all_pages(globby.value(), "*", 10) == names{"mine"});
}

TEST_CASE_METHOD(fixture, "list without a page size returns every key at once", "[apply][list]") {
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < 3000; ++i) {
    entries.emplace_back("key:" + std::to_string(i), "v");
  }
  REQUIRE(atomkv::batch::set_many(bucket, entries));
  auto listed = keys_of(apply(bucket, {operation::list("*")})[0]);
  CHECK(listed.size() == 3000);
  CHECK(std::set<std::string>(listed.begin(), listed.end()).size() == 3000);
  auto matching = keys_of(apply(bucket, {operation::list("key:12?")})[0]);
  CHECK(matching.size() == 10);
}

TEST_CASE_METHOD(fixture, "list pages with a cursor until the listing is complete",
                 "[apply][list]") {
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < 1000; ++i) {
    entries.emplace_back("key:" + std::to_string(i), "v");
  }
  REQUIRE(atomkv::batch::set_many(bucket, entries));
  auto pattern = GENERATE(as<std::string>{}, "*", "key:1*");
  INFO("pattern " << pattern);
  int pages = 0;
  auto seen = all_pages(bucket, pattern, 50, &pages);
  if (pattern == "*") {
    CHECK(pages > 1);  // a page holds about 50 keys, or a backend's minimum
    CHECK(seen.size() == 1000);
  } else {
    CHECK(seen.size() == 111);  // 1, 10-19, 100-199
  }
  for (const auto& key : seen) {
    CHECK(key.starts_with(pattern == "*" ? "key:" : "key:1"));
  }
}

TEST_CASE_METHOD(fixture, "a list from a cursor the backend never gave fails alone",
                 "[apply][list]") {
  auto results = apply(bucket, {operation::set("a", "1"), operation::list("*", "not-a-cursor", 10),
                                operation::get("a")});
  CHECK(results[0] == op_result::ok());
  CHECK(results[1] == op_result::failed("ERR invalid cursor"));
  CHECK(results[2] == op_result::of_value("1"));
}

TEST_CASE_METHOD(one_slot_fixture, "list inside a commit sees the batch, and nothing on conflict",
                 "[transaction][list]") {
  REQUIRE(bucket.set("k", "v"));
  auto begun = bucket.backend().begin();
  REQUIRE(begun);
  auto& txn = *begun.value();
  std::vector<std::string_view> watched{"k"};
  REQUIRE(txn.watch(watched, false));
  std::vector<operation> ops{operation::set("x", "1"), operation::list("*")};
  auto committed = txn.commit(ops);
  REQUIRE(committed);
  REQUIRE(committed.value().has_value());
  CHECK(keys_of(committed.value()->at(1)) == names{"k", "x"});

  REQUIRE(txn.watch(watched, false));
  REQUIRE(other_client().set("k", "theirs"));
  std::vector<operation> clearing{operation::clear(), operation::list("*")};
  auto conflicted = txn.commit(clearing);
  REQUIRE(conflicted);
  CHECK_FALSE(conflicted.value().has_value());
  CHECK(bucket.get("x").value() == "1");
}
