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

// COMMAND INFO entries agree on name, arity and key positions (elements 0, 1, 3, 4, 5); COMMAND
// DOCS replies agree on the command names, each with a doc map. Everything else must be equal.
bool same_command_shape(const std::string& a, const std::string& b) {
  auto pa = testing::parse_reply(a);
  auto pb = testing::parse_reply(b);
  if (!pa || !pb || pa->type != pb->type || pa->children.size() != pb->children.size()) {
    return a == b;
  }
  for (std::size_t i = 0; i < pa->children.size(); ++i) {
    const auto& x = pa->children[i];
    const auto& y = pb->children[i];
    // An INFO entry starts with the name and the arity (an integer); a RESP2 doc map is flat.
    bool info_entry = x.type == '*' && x.children.size() == 10 && x.children[1].type == ':';
    bool doc_map = (x.type == '%' || x.type == '*') && !info_entry;
    if (info_entry) {
      if (y.type != '*' || y.children.size() != 10) {
        return false;
      }
      for (std::size_t k : {0u, 1u, 3u, 4u, 5u}) {
        if (!(x.children[k] == y.children[k])) {
          return false;
        }
      }
    } else if (doc_map) {
      if (y.type != x.type || y.children.empty()) {
        return false;
      }
    } else if (!(x == y)) {
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

bool same(compare_mode mode, const std::string& a, const std::string& b) {
  switch (mode) {
    case compare_mode::as_set:
      return same_as_set(a, b);
    case compare_mode::nested_sets:
      return same_nested_sets(a, b);
    case compare_mode::hello:
      return same_hello(a, b, true);
    case compare_mode::hello_version:
      return same_hello(a, b, false);
    case compare_mode::command_shape:
      return same_command_shape(a, b);
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
        if (!same(st.mode, expected.bytes, actual.bytes)) {
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
