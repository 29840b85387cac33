// The request decoder next to a real redis-server: the same bytes must give the same number of
// commands and the same protocol error. Skipped when redis-server is not installed.
#include <catch2/catch.hpp>

#include <random>

#include "feed.hpp"
#include "redis_server.hpp"

using namespace atomkv::resp;
using namespace atomkv::resp::test;

namespace {

struct verdict {
  std::size_t commands = 0;
  std::string error;  // empty, or the protocol error line without '-' and CRLF
  friend bool operator==(const verdict&, const verdict&) = default;
};

std::ostream& operator<<(std::ostream& os, const verdict& v) {
  return os << v.commands << " commands, error '" << v.error << "'";
}

verdict ours(std::string_view bytes) {
  const request_log log = feed_requests_whole(bytes);
  return {log.requests.size(), log.error};
}

// Counts Redis's replies (one per command for the commands used here) and picks out the
// protocol error it ends with, if any.
verdict theirs(const redis_server& server, std::string_view bytes) {
  const std::string reply = server.exchange(bytes);
  const reply_log log = feed_replies_whole(reply);
  REQUIRE(log.error.empty());
  verdict v;
  v.commands = log.replies.size();
  if (!log.replies.empty() && log.replies.back().kind == reply_kind::error &&
      log.replies.back().str.rfind("ERR Protocol error", 0) == 0) {
    v.error = log.replies.back().str;
    --v.commands;
  }
  return v;
}

bool have_redis_server() {
  return std::system("command -v redis-server >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("the decoder agrees with redis-server", "[redis]") {
  if (!have_redis_server()) {
    WARN("redis-server not found: skipped");
    return;
  }
  redis_server server;
  REQUIRE(server.ready());

  SECTION("chosen cases") {
    const std::string cases[] = {
        "PING\r\n*1\r\n$4\r\nPING\r\n",
        "*01\r\n",
        "*x\r\n",
        "*-5\r\nPING\r\n",
        "*1\r\n$-1\r\n",
        "*1\r\n$03\r\n",
        "*1\r\nX4\r\n",
        "*1\r\n\r\n",
        "*1\r\n\n\r\n",
        "*1\r\n$4\r\nPINGxx*1\rX$4\r\nPING\r\n",
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870913\r\n",
        "ECHO \"a\"b\r\n",
        "ECHO \"abc\r\n",
        "ECHO 'ab'c\r\n",
        "ECHO x\"a\"\"b\"\r\n",
        "ECHO \"\\x41\\x4g\" 'a\\'b' a\"b c\"\r\n",
        "ECHO ''\r\nECHO \"\" x\r\n",
        "\r\n  \r\n\n*0\r\nPING\r\n",
        std::string("*1\0\r\n", 5),
        std::string("PING\0\r\n", 7),
        "*" + std::string(64 * 1024, '1'),
        "*1\r\n" + std::string(70000, 'X'),
        std::string(64 * 1024 + 1, 'P'),
    };
    for (const std::string& bytes : cases) {
      INFO(bytes.substr(0, 60));
      CHECK(ours(bytes) == theirs(server, bytes));
    }
  }

  SECTION("random damage to valid streams") {
    std::mt19937 rng(42);
    const std::string pieces[] = {"*1\r\n$4\r\nPING\r\n",
                                  "*2\r\n$4\r\nECHO\r\n$3\r\na\rb\r\n",
                                  "PING\r\n",
                                  "ECHO \"x\\x41\" 'y'\r\n",
                                  "*0\r\n",
                                  "\r\n"};
    const char noise[] = {'*', '$', '\r', '\n', '"', '\'', '\\', ' ', '0', '1', '-', 'x', '\0'};
    std::size_t commands_seen = 0;
    std::size_t errors_seen = 0;
    for (int round = 0; round < 300; ++round) {
      std::string bytes;
      const int n = 1 + static_cast<int>(rng() % 6);
      for (int i = 0; i < n; ++i) {
        bytes += pieces[rng() % std::size(pieces)];
      }
      const int damage = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < damage; ++i) {
        const std::size_t at = rng() % bytes.size();
        switch (rng() % 3) {
          case 0:
            bytes[at] = noise[rng() % std::size(noise)];
            break;
          case 1:
            bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                         noise[rng() % std::size(noise)]);
            break;
          default:
            bytes.erase(at, 1);
            break;
        }
      }
      if (bytes.empty()) {
        continue;
      }
      INFO("round " << round << ": " << bytes);
      const verdict expected = theirs(server, bytes);
      CHECK(ours(bytes) == expected);
      commands_seen += expected.commands;
      errors_seen += expected.error.empty() ? 0 : 1;
    }
    // The damage must reach both outcomes for the comparison to mean something.
    CHECK(commands_seen > 300);
    CHECK(errors_seen > 30);
    CHECK(errors_seen < 270);
  }
}
