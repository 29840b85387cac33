// The differential test: every script of differential_scripts.cpp is sent to a redis-server and
// to the proxy; each reply must be the same bytes. Scripts run once with the clients in RESP2
// (HELLO 2) and once in RESP3 (HELLO 3), on fresh connections and an empty keyspace.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "proxy/differential.hpp"
#include "proxy/servers.hpp"
#include "support/resp_client.hpp"

namespace atomkv::proxy_tests {

namespace {

using testing::escape_bytes;
using testing::raw_reply;
using testing::resp_connection;
using millis = std::chrono::milliseconds;

constexpr millis kReplyTimeout(5000);
constexpr millis kQuiet(500);

std::string describe(const step& s) {
  if (s.reconnect) {
    return "(reconnect)";
  }
  if (!s.raw.empty()) {
    std::string shown = escape_bytes(s.raw.substr(0, 80));
    return "raw \"" + shown + (s.raw.size() > 80 ? "...\"" : "\"");
  }
  std::string out;
  for (const auto& a : s.args) {
    std::string shown = escape_bytes(a.substr(0, 40));
    out += (out.empty() ? "" : " ") + (a.size() > 40 ? shown + "..." : shown);
  }
  return s.mode == compare_mode::scan_all ? "SCAN <all> " + out : out;
}

// HELLO replies carry the connection id, which no two servers share.
raw_reply mask_hello(raw_reply r, bool mask_version) {
  if ((r.type == '%' || r.type == '*') && r.children.size() % 2 == 0) {
    for (std::size_t i = 0; i + 1 < r.children.size(); i += 2) {
      const auto& key = r.children[i].text;
      if (key == "id" || (mask_version && key == "version")) {
        r.children[i + 1].text = "<masked>";
      }
    }
  }
  return r;
}

bool same_hello(const std::string& a, const std::string& b, bool mask_version) {
  auto pa = testing::parse_reply(a);
  auto pb = testing::parse_reply(b);
  if (!pa || !pb) {
    return a == b;
  }
  return mask_hello(*pa, mask_version) == mask_hello(*pb, mask_version);
}

bool same_as_set(const std::string& a, const std::string& b) {
  auto pa = testing::parse_reply(a);
  auto pb = testing::parse_reply(b);
  if (!pa || !pb || pa->type != pb->type || (pa->type != '*' && pa->type != '~')) {
    return a == b;
  }
  auto by_text = [](const raw_reply& x, const raw_reply& y) { return x.text < y.text; };
  std::sort(pa->children.begin(), pa->children.end(), by_text);
  std::sort(pb->children.begin(), pb->children.end(), by_text);
  return *pa == *pb;
}

// Sorts every array below the top that holds only bulk strings, and masks HELLO's id.
void normalise_nested(raw_reply& r, bool top) {
  auto is_bulk = [](const raw_reply& c) { return c.type == '$'; };
  if (!top && r.type == '*' && std::all_of(r.children.begin(), r.children.end(), is_bulk)) {
    std::sort(r.children.begin(), r.children.end(),
              [](const raw_reply& x, const raw_reply& y) { return x.text < y.text; });
  }
  if (!top) {
    r = mask_hello(std::move(r), true);
  }
  for (auto& child : r.children) {
    normalise_nested(child, false);
  }
}

bool same_nested_sets(const std::string& a, const std::string& b) {
  auto pa = testing::parse_reply(a);
  auto pb = testing::parse_reply(b);
  if (!pa || !pb) {
    return a == b;
  }
  normalise_nested(*pa, true);
  normalise_nested(*pb, true);
  return *pa == *pb;
}

// compare_mode::close: the same shape, integers equal when negative and within `tolerance`
// otherwise.
bool close_enough(const raw_reply& a, const raw_reply& b, std::int64_t tolerance) {
  if (a.type != b.type || a.is_null != b.is_null || a.children.size() != b.children.size()) {
    return false;
  }
  if (a.type == ':') {
    long long x = std::strtoll(a.text.c_str(), nullptr, 10);
    long long y = std::strtoll(b.text.c_str(), nullptr, 10);
    if (x < 0 || y < 0) {
      return x == y;
    }
    return (x > y ? x - y : y - x) <= tolerance;
  }
  if (a.text != b.text) {
    return false;
  }
  for (std::size_t i = 0; i < a.children.size(); ++i) {
    if (!close_enough(a.children[i], b.children[i], tolerance)) {
      return false;
    }
  }
  return true;
}

bool same_close(const std::string& a, const std::string& b, std::int64_t tolerance) {
  auto pa = testing::parse_reply(a);
  auto pb = testing::parse_reply(b);
  if (!pa || !pb) {
    return a == b;
  }
  return close_enough(*pa, *pb, tolerance);
}

// COMMAND INFO and COMMAND DOCS replies, taken apart into one entry per command. An INFO entry is
// the ten-element array that starts with the name; a DOCS entry is a name and its doc map (a map
// in RESP3, a flat array in RESP2).
struct command_entry {
  std::string name;
  raw_reply entry;  // INFO: the array; DOCS: the doc map
};

bool is_info_entry(const raw_reply& r) {
  return r.type == '*' && r.children.size() == 10 && r.children[0].type == '$' &&
         r.children[1].type == ':';
}

// The entries of a COMMAND / COMMAND INFO reply (nil entries named "") or of a COMMAND DOCS reply.
std::optional<std::vector<command_entry>> command_entries(const raw_reply& reply) {
  std::vector<command_entry> out;
  if (reply.type != '*' && reply.type != '%') {
    return std::nullopt;
  }
  const bool docs =
      !reply.children.empty() && reply.children[0].type == '$' && !reply.children[0].is_null;
  if (!docs) {
    for (const auto& entry : reply.children) {
      if (entry.is_null) {
        out.push_back({"", entry});
      } else if (is_info_entry(entry)) {
        out.push_back({entry.children[0].text, entry});
      } else {
        return std::nullopt;
      }
    }
    return out;
  }
  if (reply.children.size() % 2 != 0) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < reply.children.size(); i += 2) {
    out.push_back({reply.children[i].text, reply.children[i + 1]});
  }
  return out;
}

// A container's subcommand entries, taken out of its INFO entry (element 9) or its doc map (the
// value of "subcommands"), whose place keeps only the type of the list: an empty placeholder.
std::optional<std::vector<command_entry>> take_subcommands(raw_reply& entry) {
  raw_reply* list = nullptr;
  if (is_info_entry(entry)) {
    list = &entry.children[9];
  } else {
    for (std::size_t i = 0; i + 1 < entry.children.size(); i += 2) {
      if (entry.children[i].text == "subcommands") {
        list = &entry.children[i + 1];
      }
    }
  }
  if (list == nullptr || list->children.empty()) {
    return std::vector<command_entry>{};
  }
  auto subs = command_entries(*list);
  list->children.clear();
  return subs;
}

bool redis_lacks(const std::string& name) {
  const auto& lacking = commands_redis_lacks();
  return std::find(lacking.begin(), lacking.end(), name) != lacking.end();
}

// One command's entry from each server: equal, except that a container's subcommands are compared
// one by one, as a subset of Redis's (whose order changes with each redis-server process).
bool same_command_entry(raw_reply expected, raw_reply actual) {
  auto expected_subs = take_subcommands(expected);
  auto actual_subs = take_subcommands(actual);
  if (!expected_subs || !actual_subs || !(expected == actual)) {
    return false;
  }
  if (expected_subs->empty() != actual_subs->empty()) {
    return false;
  }
  std::vector<std::string> seen;
  for (const auto& sub : *actual_subs) {
    if (std::find(seen.begin(), seen.end(), sub.name) != seen.end()) {
      return false;  // listed twice
    }
    seen.push_back(sub.name);
    auto match = std::find_if(expected_subs->begin(), expected_subs->end(),
                              [&](const command_entry& e) { return e.name == sub.name; });
    if (match == expected_subs->end()) {
      if (!redis_lacks(sub.name)) {
        return false;
      }
    } else if (!same_command_entry(match->entry, sub.entry)) {
      return false;
    }
  }
  return true;
}

// Both replies as command entries; nullopt when either is not a well-formed listing of the same
// RESP type (`fallback` then tells whether the bytes are simply equal).
struct entry_lists {
  std::vector<command_entry> expected, actual;
};
std::optional<entry_lists> both_entries(const std::string& a, const std::string& b,
                                        bool& fallback) {
  auto pa = testing::parse_reply(a);
  auto pb = testing::parse_reply(b);
  fallback = !pa || !pb || pa->type != pb->type;
  if (fallback) {
    return std::nullopt;
  }
  auto expected = command_entries(*pa);
  auto actual = command_entries(*pb);
  if (!expected || !actual) {
    return std::nullopt;
  }
  return entry_lists{std::move(*expected), std::move(*actual)};
}

// compare_mode::command_container: the same commands in the same order, each entry equal but for
// a container's subcommands (same_command_entry).
bool same_command_container(const std::string& a, const std::string& b) {
  bool fallback = false;
  auto lists = both_entries(a, b, fallback);
  if (!lists) {
    return fallback && a == b;
  }
  const auto& [expected, actual] = *lists;
  if (expected.size() != actual.size()) {
    return false;
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected[i].name != actual[i].name ||
        !same_command_entry(expected[i].entry, actual[i].entry)) {
      return false;
    }
  }
  return true;
}

// compare_mode::command_listing: every command the subject lists, once, with the entry Redis
// lists for it (same_command_entry); Redis lists more.
bool same_command_listing(const std::string& a, const std::string& b) {
  bool fallback = false;
  auto lists = both_entries(a, b, fallback);
  if (!lists) {
    return fallback && a == b;
  }
  const auto& [expected, actual] = *lists;
  if (actual.empty()) {
    return false;
  }
  std::vector<std::string> seen;
  for (const auto& command : actual) {
    if (std::find(seen.begin(), seen.end(), command.name) != seen.end()) {
      return false;
    }
    seen.push_back(command.name);
    auto match = std::find_if(expected.begin(), expected.end(),
                              [&](const command_entry& e) { return e.name == command.name; });
    if (match == expected.end() || !same_command_entry(match->entry, command.entry)) {
      return false;
    }
  }
  return true;
}

// compare_mode::command_names: arrays of names, each listed once; every name the subject lists is
// one the reference lists (or one Redis 7.0 lacks), and every name the reference lists that the
// proxy implements is listed by the subject.
bool same_command_names(const std::string& a, const std::string& b) {
  auto pa = testing::parse_reply(a);
  auto pb = testing::parse_reply(b);
  if (!pa || !pb || pa->type != '*' || pb->type != '*') {
    return a == b;
  }
  std::vector<std::string> implemented = compared_command_names();
  implemented.insert(implemented.end(), commands_redis_lacks().begin(),
                     commands_redis_lacks().end());
  auto names = [](const raw_reply& r) {
    std::vector<std::string> out;
    for (const auto& c : r.children) {
      out.push_back(c.text);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  auto contains = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  std::vector<std::string> expected = names(*pa), actual = names(*pb);
  if (actual.empty() || std::adjacent_find(actual.begin(), actual.end()) != actual.end()) {
    return false;
  }
  for (const auto& name : actual) {
    if (!contains(expected, name) && !redis_lacks(name)) {
      return false;
    }
  }
  for (const auto& name : expected) {
    if (contains(implemented, name) && !contains(actual, name)) {
      return false;
    }
  }
  return true;
}

// One server's side of a script: its two clients, opened on first use.
class side {
 public:
  side(server& srv, int proto) : srv_(srv), proto_(proto) {}

  server& srv() { return srv_; }

  // The client's connection; the HELLO reply that opened it goes to `hello_reply`.
  resp_connection* client(char name, std::string* hello_reply) {
    auto& slot = clients_[name];
    if (!slot) {
      slot = resp_connection::connect(srv_.port());
      if (slot && proto_ != 0) {
        auto r = slot->call({"HELLO", std::to_string(proto_)}, kReplyTimeout);
        if (hello_reply) {
          *hello_reply = r.value_or("<no reply>");
        }
      }
    }
    return slot ? &*slot : nullptr;
  }

  void drop(char name) { clients_.erase(name); }

 private:
  server& srv_;
  int proto_;
  std::map<char, std::optional<resp_connection>> clients_;
};

std::string read_replies(resp_connection& c, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    auto r = c.read_reply(kReplyTimeout);
    if (!r) {
      return out + (c.peer_closed() ? "<connection closed>" : "<no reply in time>");
    }
    out += *r;
  }
  return out;
}

// SCAN from 0 until the cursor is 0 again; the sorted, distinct keys, or the first bad reply.
std::string scan_all(resp_connection& c, const std::vector<std::string>& options) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  for (int round = 0; round < 100000; ++round) {
    std::vector<std::string> cmd = {"SCAN", cursor};
    cmd.insert(cmd.end(), options.begin(), options.end());
    auto bytes = c.call(cmd, kReplyTimeout);
    if (!bytes) {
      return c.peer_closed() ? "<connection closed>" : "<no reply in time>";
    }
    auto r = testing::parse_reply(*bytes);
    if (!r || r->type != '*' || r->children.size() != 2 || r->children[1].type != '*') {
      return "unexpected SCAN reply: " + escape_bytes(*bytes);
    }
    for (auto& k : r->children[1].children) {
      keys.push_back(k.text);
    }
    cursor = r->children[0].text;
    if (cursor == "0") {
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      std::string out = std::to_string(keys.size()) + " keys:";
      for (auto& k : keys) {
        out += " " + escape_bytes(k);
      }
      return out;
    }
  }
  return "<SCAN did not finish>";
}

struct outcome {
  std::string bytes;
  std::string hello;  // the reply to the HELLO that opened the connection, if one did
};

outcome run_step(side& s, const step& st) {
  outcome out;
  if (st.reconnect) {
    s.drop(st.client);
    return out;
  }
  if (st.sleep_ms > 0) {
    std::this_thread::sleep_for(millis(st.sleep_ms));
  }
  if (st.args.empty() && st.raw.empty()) {
    return out;
  }
  resp_connection* c = s.client(st.client, &out.hello);
  if (!c) {
    out.bytes = "<cannot connect>";
    return out;
  }
  switch (st.mode) {
    case compare_mode::drain:
    case compare_mode::command_drain: {
      bool sent = st.mode == compare_mode::drain ? c->send(st.raw) : c->send_command(st.args);
      auto d = c->drain(kQuiet, millis(10000));
      out.bytes = d.bytes + (d.closed ? "<closed>" : "<open>");
      if (!sent) {
        out.bytes += "<send failed>";
      }
      s.drop(st.client);
      return out;
    }
    case compare_mode::scan_all:
      out.bytes = scan_all(*c, st.args);
      return out;
    default:
      break;
  }
  if (!(st.raw.empty() ? c->send_command(st.args) : c->send(st.raw))) {
    out.bytes = "<send failed>";
    return out;
  }
  out.bytes = read_replies(*c, st.raw.empty() ? 1 : st.replies);
  return out;
}

bool same(const step& st, const std::string& a, const std::string& b) {
  switch (st.mode) {
    case compare_mode::close:
      return same_close(a, b, st.tolerance);
    case compare_mode::as_set:
      return same_as_set(a, b);
    case compare_mode::nested_sets:
      return same_nested_sets(a, b);
    case compare_mode::hello:
      return same_hello(a, b, true);
    case compare_mode::hello_version:
      return same_hello(a, b, false);
    case compare_mode::command_container:
      return same_command_container(a, b);
    case compare_mode::command_listing:
      return same_command_listing(a, b);
    case compare_mode::command_names:
      return same_command_names(a, b);
    default:
      return a == b;
  }
}

bool flush_all(server& srv, const std::optional<std::string>& password) {
  auto c = resp_connection::connect(srv.port());
  if (!c) {
    return false;
  }
  if (password && c->call({"AUTH", *password}).value_or("") != "+OK\r\n") {
    return false;
  }
  return c->call({"FLUSHALL"}).value_or("") == "+OK\r\n";
}

// The scripts that cannot hold in front of a Redis Cluster (--backend redis-cluster), skipped
// there only, each with why: a cluster has database 0 alone (SELECT n, MOVE and COPY ... DB are
// refused, as a cluster node refuses them), refuses keys of several slots in one command or one
// transaction (CROSSSLOT), and its SCAN cursors name a master as well as a position.
const std::map<std::string, std::string>& not_on_cluster() {
  static const std::string other_db = "uses a database other than 0";
  static const std::string cross_slot = "keys of several slots in one command or transaction";
  static const std::map<std::string, std::string> scripts = {
      {"select", other_db},
      {"select other database", other_db},
      {"select inside multi", other_db},
      {"select inside multi in one pipeline", other_db},
      {"select inside multi with only other commands", other_db},
      {"select inside multi, watched keys in the same database", other_db},
      {"invalid select inside multi changes nothing", other_db},
      {"mixed commands in one pipeline", other_db},
      {"flushall between sets inside multi", other_db},
      {"info keyspace inside multi", other_db},
      {"keyspace step copy to another database", other_db},
      {"keyspace step move", other_db},
      {"keyspace step move errors in order", other_db},
      {"keyspace step move inside multi", other_db},
      {"watched key copied onto from another database", other_db},
      {"watched key moved away", other_db},
      {"watched key moved onto from another database", other_db},
      {"watched key not touched by a move that moves nothing", other_db},
      {"watched key touched, flushall inside multi clears nothing", other_db},
      {"watched key untouched, flushall inside multi clears every database", other_db},
      {"swapdb", other_db},
      {"swapdb errors in order", other_db},
      {"swapdb inside multi", other_db},
      {"swapdb into a database not used before", other_db},
      {"swapdb inside a transaction whose watched key was touched", other_db},
      {"watched key swapped away", other_db},
      {"watched missing key swapped in", other_db},
      {"watched key live in neither database not touched by swapdb", other_db},
      {"watched stale key not touched by swapdb", other_db},
      {"keys with patterns", cross_slot},
      {"keys, scan and dbsize inside multi see the commands queued before them", cross_slot},
      {"keyspace step copy errors in order", cross_slot},  // a node checks slots before syntax
      {"keyspace step rename", cross_slot},
      {"scan", cross_slot},
      {"the empty key and glob patterns", cross_slot},
      {"keys inside multi after a flushdb", "SCAN 0 answers the next master's cursor, not 0"},
  };
  return scripts;
}

bool subject_on_cluster() {
  return subject_is_proxy() && subject_backend() == "redis-cluster";
}

struct pair_of_servers {
  std::unique_ptr<server> reference;
  std::unique_ptr<server> subject;
};

pair_of_servers start_pair(const server_settings& settings) {
  pair_of_servers p{start_reference(settings), start_subject(settings)};
  REQUIRE(p.reference->running());
  INFO(p.subject->error());
  REQUIRE(p.subject->running());
  return p;
}

std::string report(const script& sc, int proto, std::size_t index, const step& st,
                   const std::string& what, const std::string& expected, const std::string& actual,
                   const std::string& subject_name) {
  std::ostringstream m;
  m << "script \"" << sc.name << "\"";
  if (proto != 0) {
    m << " [RESP" << proto << "]";
  }
  m << " step " << index + 1 << ": " << what << describe(st)
    << "\n  redis-server: " << escape_bytes(expected) << "\n  " << subject_name << ": "
    << escape_bytes(actual);
  return m.str();
}

}  // namespace

TEST_CASE("replies are byte-identical to redis-server's", "[differential]") {
  const char* filter = std::getenv("ATOMKV_DIFF_FILTER");
  pair_of_servers open = start_pair({});
  std::optional<pair_of_servers> locked;
  const std::optional<std::string> password = "secret";

  int scripts_run = 0, steps_compared = 0, mismatches = 0;
  for (const script& sc : differential_scripts()) {
    if (filter && sc.name.find(filter) == std::string::npos) {
      continue;
    }
    if (subject_on_cluster() && not_on_cluster().contains(sc.name)) {
      continue;
    }
    if (sc.requirepass && !locked) {
      locked = start_pair({.requirepass = password});
    }
    pair_of_servers& servers = sc.requirepass ? *locked : open;
    auto pw = sc.requirepass ? password : std::nullopt;
    std::vector<int> protocols = sc.both_protocols ? std::vector<int>{2, 3} : std::vector<int>{0};
    for (int proto : protocols) {
      REQUIRE(flush_all(*servers.reference, pw));
      REQUIRE(flush_all(*servers.subject, pw));
      side ref(*servers.reference, proto);
      side sub(*servers.subject, proto);
      ++scripts_run;
      bool diverged = false;
      for (std::size_t i = 0; i < sc.steps.size(); ++i) {
        const step& st = sc.steps[i];
        outcome expected = run_step(ref, st);
        outcome actual = run_step(sub, st);
        ++steps_compared;
        std::string prefix = diverged ? "(after an earlier mismatch) " : "";
        // The HELLO that opened a connection (checked like compare_mode::hello).
        if (!same_hello(expected.hello, actual.hello, true)) {
          ++mismatches;
          FAIL_CHECK(report(sc, proto, i, st, prefix + "HELLO opening the connection for ",
                            expected.hello, actual.hello, servers.subject->name()));
        }
        if (!same(st, expected.bytes, actual.bytes)) {
          ++mismatches;
          FAIL_CHECK(report(sc, proto, i, st, prefix, expected.bytes, actual.bytes,
                            servers.subject->name()));
          diverged = true;
        }
        if (!servers.subject->alive()) {
          FAIL("the " << servers.subject->name() << " process died during script \"" << sc.name
                      << "\" step " << i + 1);
        }
      }
    }
  }
  INFO(scripts_run << " script runs, " << steps_compared << " steps, " << mismatches
                   << " mismatches");
  CHECK(mismatches == 0);
  CHECK(scripts_run > 0);
}

}  // namespace atomkv::proxy_tests

namespace atomkv::proxy_tests {

// The "command info and docs" script names its commands; this keeps it complete: every command
// and subcommand the proxy lists is compared there, or is one Redis 7.0 lacks.
TEST_CASE("the command info and docs script covers every command of the proxy", "[differential]") {
  if (!subject_is_proxy()) {
    return;  // a redis-server subject lists Redis's commands, which the script does not cover
  }
  auto subject = start_subject();
  REQUIRE(subject->running());
  auto c = resp_connection::connect(subject->port());
  REQUIRE(c);
  auto info = testing::parse_reply(c->call({"COMMAND"}).value_or(""));
  REQUIRE(info);
  auto entries = command_entries(*info);
  REQUIRE(entries);
  std::vector<std::string> listed;
  for (auto& command : *entries) {
    listed.push_back(command.name);
    auto subs = take_subcommands(command.entry);
    REQUIRE(subs);
    for (const auto& sub : *subs) {
      listed.push_back(sub.name);
    }
  }
  const auto& compared = compared_command_names();
  for (const auto& name : listed) {
    INFO(name);
    CHECK(
        (std::find(compared.begin(), compared.end(), name) != compared.end() || redis_lacks(name)));
  }
  CHECK(listed.size() == compared.size() + commands_redis_lacks().size());
}

}  // namespace atomkv::proxy_tests

namespace atomkv::proxy_tests {

// The skip list names scripts that exist, so that a renamed script runs on the cluster again.
TEST_CASE("the scripts skipped in front of a cluster are scripts", "[differential]") {
  for (const auto& [name, why] : not_on_cluster()) {
    INFO(name << ": " << why);
    CHECK(std::any_of(differential_scripts().begin(), differential_scripts().end(),
                      [&](const script& sc) { return sc.name == name; }));
  }
}

}  // namespace atomkv::proxy_tests
