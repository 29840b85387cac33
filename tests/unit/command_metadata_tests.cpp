// Each command's COMMAND INFO / COMMAND DOCS data agrees with the rest of its unit. Whether
// they agree with Redis is the differential test's job (tests/proxy).

#include <algorithm>
#include <set>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "command_table.hpp"
#include "commands/command_metadata.hpp"

using namespace atomkv::proxy;

namespace {

bool has(std::initializer_list<std::string_view> list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

const std::set<std::string_view> kArgumentTypes = {
    "string", "integer", "double", "key", "pattern", "unix-time", "pure-token", "oneof", "block"};
const std::set<std::string_view> kArgumentFlags = {"optional", "multiple", "multiple_token"};

// Every key argument names a key specification of the command; other arguments name none.
void check_arguments(std::initializer_list<doc_argument> arguments, std::size_t key_specs,
                     std::set<int>& used) {
  for (const auto& arg : arguments) {
    INFO("argument " << arg.name);
    CHECK(!arg.name.empty());
    CHECK(kArgumentTypes.count(arg.type) == 1);
    for (auto flag : arg.flags) {
      CHECK(kArgumentFlags.count(flag) == 1);
    }
    if (arg.type == "key") {
      CHECK(arg.key_spec_index >= 0);
      CHECK(static_cast<std::size_t>(arg.key_spec_index) < key_specs);
      used.insert(arg.key_spec_index);
    } else {
      CHECK(arg.key_spec_index == -1);
    }
    CHECK((arg.type == "pure-token") <= !arg.token.empty());
    CHECK((arg.type == "oneof" || arg.type == "block") == (arg.arguments.size() != 0));
    check_arguments(arg.arguments, key_specs, used);
  }
}

}  // namespace

TEST_CASE("every command is one unit, named once, with COMMAND INFO and COMMAND DOCS data",
          "[command-metadata]") {
  std::set<std::string_view> names;
  for (const auto& spec : all_commands()) {
    INFO(spec.name);
    CHECK(names.insert(spec.name).second);
    CHECK(!spec.doc.summary.empty());
    CHECK(spec.info.acl_categories.size() != 0);  // every Redis command is in @fast or @slow
  }
}

TEST_CASE("Redis's flags agree with the flags the proxy acts on", "[command-metadata]") {
  for (const auto& spec : all_commands()) {
    const auto* info = &spec.info;
    INFO(spec.name);
    CHECK(((spec.flags & flag_write) != 0) == has(info->flags, "write"));
    CHECK(((spec.flags & flag_readonly) != 0) == has(info->flags, "readonly"));
    CHECK(((spec.flags & flag_fast) != 0) == has(info->flags, "fast"));
    CHECK(((spec.flags & flag_admin) != 0) == has(info->flags, "admin"));
    CHECK(((spec.flags & flag_no_auth) != 0) == has(info->flags, "no_auth"));
    CHECK(((spec.flags & flag_denyoom) != 0) == has(info->flags, "denyoom"));
    // Redis puts every command that is not fast in @slow, and fast ones in @fast.
    CHECK(has(info->flags, "fast") == has(info->acl_categories, "@fast"));
    CHECK(has(info->flags, "fast") != has(info->acl_categories, "@slow"));
  }
}

TEST_CASE("key specifications agree with the first, last and step key positions",
          "[command-metadata]") {
  for (const auto& spec : all_commands()) {
    const auto* info = &spec.info;
    INFO(spec.name);
    if (info->key_specs.size() == 0) {
      CHECK(spec.first_key == 0);
      CHECK(spec.last_key == 0);
      CHECK(spec.key_step == 0);
      continue;
    }
    // Several specifications (BITOP's destination, then its sources) follow one another: the
    // positions span them, from the first one's first key to the last one's last.
    const key_spec* previous = nullptr;
    for (const key_spec& keys : info->key_specs) {
      CHECK(spec.key_step == keys.key_step);
      if (previous != nullptr) {
        REQUIRE(previous->last_key >= 0);
        CHECK(keys.begin_index == previous->begin_index + previous->last_key + 1);
      }
      previous = &keys;
    }
    const key_spec& first = *info->key_specs.begin();
    const key_spec& last = *previous;
    CHECK(spec.first_key == first.begin_index);
    CHECK(spec.last_key == (last.last_key < 0 ? last.last_key : last.begin_index + last.last_key));
  }
}

TEST_CASE("COMMAND DOCS arguments are well formed", "[command-metadata]") {
  for (const auto& spec : all_commands()) {
    const command_doc& doc = spec.doc;
    INFO(spec.name);
    CHECK(!doc.summary.empty());
    CHECK(!doc.since.empty());
    CHECK(!doc.group.empty());
    CHECK(doc.deprecated_since.empty() == !has(doc.doc_flags, "deprecated"));
    const auto* info = &spec.info;
    std::set<int> used;
    check_arguments(doc.arguments, info->key_specs.size(), used);
    CHECK(used.size() == info->key_specs.size());  // every key specification has its argument
  }
}
