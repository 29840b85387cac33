// Command units run without a socket, a loop or a server: local commands through a
// command_context of the test's own, planned commands through their planners. And every unit is
// complete: its behaviour has the function of its kind, and its arity agrees with its docs.

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "command_context.hpp"
#include "command_table.hpp"
#include "redis_errors.hpp"

using namespace atomkv;
using namespace atomkv::proxy;

namespace {

// The acts of a connection that is not there: what the command asked for is recorded.
class test_connection final : public connection_acts {
 public:
  bool closing = false;
  std::uint64_t id() const override { return 42; }
  std::string describe_self() const override { return "id=42 name=me\n"; }
  std::string describe_every_client() const override { return "id=42\nid=43\n"; }
  void close_after_replies() override { closing = true; }
};

struct test_context {
  session state;
  options settings;
  test_connection connection;
  command_context context{state, settings, connection};

  // Runs a command the way dispatch does once it has passed its checks: the encoded reply.
  std::string run(std::vector<std::string_view> args) {
    bool unknown_subcommand = false;
    const command_spec* spec = find_command(args, unknown_subcommand);
    REQUIRE(spec != nullptr);
    REQUIRE(!unknown_subcommand);
    std::string bytes;
    resp::reply_writer out(bytes, state.proto);
    if (!arity_allows(*spec, args.size())) {
      out.error(errors::wrong_arity(spec->name));
      return bytes;
    }
    REQUIRE(spec->behaviour.kind == behaviour_kind::local);
    spec->behaviour.run(context, args, out);
    return bytes;
  }
};

const command_spec& unit(std::string_view name) {
  bool unknown_subcommand = false;
  std::array<std::string_view, 1> args{name};
  const command_spec* spec = find_command(args, unknown_subcommand);
  REQUIRE(spec != nullptr);
  return *spec;
}

std::size_t fewest_arguments(std::initializer_list<doc_argument> arguments, bool& more);

// The fewest words one argument takes when it is given: its token, then its value or values.
std::size_t fewest_words(const doc_argument& arg, bool& more) {
  std::size_t words = arg.type == "pure-token" ? 0 : 1;
  if (arg.type == "block") {
    words = fewest_arguments(arg.arguments, more);
  } else if (arg.type == "oneof") {
    words = SIZE_MAX;
    for (const auto& choice : arg.arguments) {
      words = std::min(words, fewest_words(choice, more));
    }
  }
  return words + (arg.token.empty() ? 0 : 1);
}

// The fewest words a command's arguments take, from its docs; `more` tells whether it may take
// more than that.
std::size_t fewest_arguments(std::initializer_list<doc_argument> arguments, bool& more) {
  std::size_t fewest = 0;
  for (const auto& arg : arguments) {
    bool optional = false;
    for (auto flag : arg.flags) {
      optional |= flag == "optional";
      more |= flag == "optional" || flag == "multiple";
    }
    const std::size_t words = fewest_words(arg, more);
    if (!optional) {
      fewest += words;
    }
  }
  return fewest;
}

}  // namespace

TEST_CASE("PING and ECHO run through a context of their own", "[command-unit]") {
  test_context t;
  CHECK(t.run({"PING"}) == "+PONG\r\n");
  CHECK(t.run({"ping", "hello"}) == "$5\r\nhello\r\n");
  CHECK(t.run({"PING", "a", "b"}) == "-ERR wrong number of arguments for 'ping' command\r\n");
  CHECK(t.run({"ECHO", "x"}) == "$1\r\nx\r\n");
  CHECK(t.run({"ECHO"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
  CHECK(t.run({"ECHO", "x", "y"}) == "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST_CASE("local commands change only their session and settings, and act through the context",
          "[command-unit]") {
  test_context t;
  CHECK(t.run({"SELECT", "3"}) == "+OK\r\n");
  CHECK(t.state.db == 3);
  CHECK(t.run({"SELECT", "99"}) == "-ERR DB index is out of range\r\n");
  CHECK(t.state.db == 3);
  CHECK(t.run({"CLIENT", "SETNAME", "me"}) == "+OK\r\n");
  CHECK(t.run({"CLIENT", "GETNAME"}) == "$2\r\nme\r\n");
  CHECK(t.run({"CLIENT", "ID"}) == ":42\r\n");
  CHECK(t.run({"CLIENT", "LIST"}) == "$12\r\nid=42\nid=43\n\r\n");
  CHECK(t.run({"MULTI"}) == "+OK\r\n");
  CHECK(t.state.in_multi);
  CHECK(t.run({"DISCARD"}) == "+OK\r\n");
  CHECK(!t.state.in_multi);
  CHECK(t.run({"CONFIG", "SET", "timeout", "7"}) == "+OK\r\n");
  CHECK(t.settings.timeout == 7);
  CHECK(!t.connection.closing);
  CHECK(t.run({"QUIT"}) == "+OK\r\n");
  CHECK(t.connection.closing);
}

TEST_CASE("SET's planner turns its options into one operation", "[command-unit]") {
  const command_spec& set = unit("set");
  REQUIRE(set.behaviour.kind == behaviour_kind::planned);
  CHECK(set.behaviour.in_exec == in_exec_kind::planned_ops);
  std::vector<operation> ops;
  plan_storage owned;

  auto plan = [&](std::vector<std::string_view> args, planned& target) {
    ops.clear();
    plan_builder builder{ops, target, owned};
    return set.behaviour.plan(args, builder);
  };

  planned target;
  REQUIRE(!plan({"SET", "k", "v", "NX", "PX", "1500", "GET"}, target));
  REQUIRE(ops.size() == 1);
  CHECK(target.count == 1);
  CHECK(ops[0].what == operation::kind::set);
  CHECK(ops[0].key == "k");
  CHECK(ops[0].value == "v");
  CHECK(ops[0].when == operation::condition::if_missing);
  CHECK(ops[0].return_previous);
  CHECK(ops[0].deadline == expiry::after(1500));

  planned keep;
  REQUIRE(!plan({"set", "k", "v", "xx", "keepttl"}, keep));
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].when == operation::condition::if_present);
  CHECK(!ops[0].return_previous);
  CHECK(ops[0].deadline == expiry::keep());

  planned bad;
  CHECK(plan({"SET", "k", "v", "NX", "XX"}, bad) == std::string(errors::syntax));
  planned bad_time;
  CHECK(plan({"SET", "k", "v", "EX", "0"}, bad_time) == "ERR invalid expire time in 'set' command");
  CHECK(!arity_allows(set, 2));
  CHECK(arity_allows(set, 3));
}

// COPY checks its options (DB as SELECT reads it, against the server's databases), then a key
// copied onto itself in one database, as copyCommand does, before any key is looked up.
TEST_CASE("COPY's planner checks its options in Redis's order", "[command-unit]") {
  const command_spec& copy = unit("copy");
  std::vector<operation> ops;
  plan_storage owned;
  auto plan = [&](std::vector<std::string_view> args, std::size_t db = 3) {
    ops.clear();
    planned target;
    plan_builder builder{ops, target, owned, db, 16};
    return copy.behaviour.plan(args, builder);
  };
  REQUIRE(!plan({"COPY", "a", "b", "replace", "DB", "3"}));
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].what == operation::kind::copy);
  CHECK(ops[0].key == "a");
  CHECK(ops[0].value == "b");
  CHECK(ops[0].when == operation::condition::always);
  REQUIRE(!plan({"COPY", "a", "b"}));
  CHECK(ops[0].when == operation::condition::if_missing);
  CHECK(plan({"COPY", "a", "a"}) == std::string(errors::same_object));
  CHECK(plan({"COPY", "a", "a", "DB", "x"}) == std::string(errors::not_integer));
  CHECK(plan({"COPY", "a", "a", "DB", "16"}) == std::string(errors::db_out_of_range));
  CHECK(plan({"COPY", "a", "a", "DB", "99999999999"}) == std::string(errors::int_out_of_range));
  CHECK(plan({"COPY", "a", "b", "DB"}) == std::string(errors::syntax));
  CHECK(plan({"COPY", "a", "b", "DB", "3", "foo", "DB", "x"}) == std::string(errors::syntax));
  CHECK(plan({"COPY", "a", "a", "DB", "3"}, 3) == std::string(errors::same_object));
  CHECK(ops.empty());
  REQUIRE(!plan({"COPY", "a", "a", "DB", "4"}, 3));  // the same name in another database
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].copies_across_databases());
  CHECK(ops[0].offset == 4);
  CHECK(ops[0].end == 3);
}

// The plan's storage holds BITFIELD's parsed steps: they outlive the arguments' text, which an
// asynchronous backend may no longer have when it runs them.
TEST_CASE("the bit planners check Redis's arguments first and keep BITFIELD's steps",
          "[command-unit]") {
  std::vector<operation> ops;
  plan_storage owned;
  std::deque<std::vector<std::string>> texts;  // the arguments, as long as the operations
  std::deque<std::vector<std::string_view>> views;
  auto plan = [&](std::vector<std::string> text, planned& target) {
    auto& kept = texts.emplace_back(std::move(text));
    auto& args = views.emplace_back(kept.begin(), kept.end());
    const command_spec& spec = unit(args[0]);
    plan_builder builder{ops, target, owned};
    return spec.behaviour.plan(args, builder);
  };

  planned field;
  REQUIRE(!plan({"bitfield", "k", "OVERFLOW", "SAT", "INCRBY", "i5", "#2", "-3", "GET", "u8", "0"},
                field));
  for (auto& argument : texts.back()) {
    std::fill(argument.begin(), argument.end(), 'x');  // the steps do not point into these
  }
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].what == operation::kind::bitfield);
  CHECK(!ops[0].read_only);
  REQUIRE(ops[0].steps.size() == 2);
  CHECK(ops[0].steps[0].what == bitfield_step::kind::increment);
  CHECK(ops[0].steps[0].on_overflow == bitfield_step::overflow::saturate);
  CHECK(ops[0].steps[0].offset == 10);
  CHECK(ops[0].steps[0].value == -3);
  CHECK(ops[0].steps[1].what == bitfield_step::kind::get);
  CHECK(ops[0].writes());

  planned read;
  REQUIRE(!plan({"BITFIELD_RO", "k", "GET", "u8", "0"}, read));
  CHECK(ops.back().read_only);
  CHECK(!ops.back().writes());
  planned no_set;
  CHECK(plan({"BITFIELD_RO", "k", "SET", "u8", "0", "1"}, no_set) ==
        "ERR BITFIELD_RO only supports the GET subcommand");

  // SETBIT: the offset before the bit; BITPOS: the bit; BITOP: the name, then NOT's one source.
  planned setbit;
  CHECK(plan({"SETBIT", "k", "-1", "2"}, setbit) ==
        "ERR bit offset is not an integer or out of range");
  CHECK(plan({"SETBIT", "k", "0", "2"}, setbit) == "ERR bit is not an integer or out of range");
  planned bitpos;
  CHECK(plan({"BITPOS", "k", "2", "x"}, bitpos) == "ERR The bit argument must be 1 or 0.");
  planned bitop;
  CHECK(plan({"BITOP", "NAND", "d", "a", "b"}, bitop) == "ERR syntax error");
  CHECK(plan({"BITOP", "NOT", "d", "a", "b"}, bitop) ==
        "ERR BITOP NOT must be called with a single source key.");
  const std::size_t before = ops.size();
  REQUIRE(!plan({"BITOP", "xor", "d", "a", "b"}, bitop));
  REQUIRE(ops.size() == before + 1);
  CHECK(ops.back().key == "d");
  CHECK(ops.back().arguments.size() == 2);
  // BITCOUNT's range is the operation's to read, once the key is found.
  planned bitcount;
  CHECK(!plan({"BITCOUNT", "k", "x"}, bitcount));
}

TEST_CASE("every unit's behaviour is complete for its kind", "[command-unit]") {
  for (const auto& spec : all_commands()) {
    INFO(spec.name);
    const command_behaviour& b = spec.behaviour;
    switch (b.kind) {
      case behaviour_kind::local:
        // A container without a behaviour of its own fails its arity or subcommand check.
        CHECK((b.run != nullptr || (spec.flags & flag_container)));
        break;
      case behaviour_kind::planned:
        CHECK(b.plan != nullptr);
        CHECK(b.in_exec == in_exec_kind::planned_ops);
        break;
      case behaviour_kind::deferred:
        CHECK(b.run_deferred != nullptr);
        break;
    }
    // A command that can be queued says what it does inside EXEC (a container without a
    // behaviour is refused before it could be).
    const bool queued = !(spec.flags & flag_no_queue);
    if (queued && b.behaviour_of_its_own()) {
      CHECK(b.in_exec != in_exec_kind::never_queued);
    }
    CHECK((b.in_exec == in_exec_kind::exec_planner) == (b.plan_in_exec != nullptr));
    CHECK((b.in_exec == in_exec_kind::runs_locally) == (b.run_in_exec != nullptr));
    if (spec.flags & flag_runs_transaction) {
      CHECK(b.kind == behaviour_kind::deferred);
      CHECK(!queued);
    }
  }
}

TEST_CASE("every unit's arity agrees with the arguments of its docs", "[command-unit]") {
  for (const auto& spec : all_commands()) {
    if (spec.flags & flag_container) {
      continue;  // its arguments are its subcommands'
    }
    // redis-server 7.0.15's docs of these two name no arguments, though they take a command.
    if (spec.name == "command|getkeys" || spec.name == "command|getkeysandflags") {
      CHECK(spec.doc.arguments.size() == 0);
      continue;
    }
    INFO(spec.name);
    bool more = false;
    const std::size_t words = spec.name.find('|') == std::string_view::npos ? 1 : 2;
    const std::size_t fewest = words + fewest_arguments(spec.doc.arguments, more);
    if (spec.arity >= 0) {
      CHECK(static_cast<std::size_t>(spec.arity) == fewest);
      CHECK(!more);
    } else {
      CHECK(static_cast<std::size_t>(-spec.arity) == fewest);
    }
  }
}
