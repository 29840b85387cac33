// Random valid streams, cut at random points, decode to what was encoded.
#include <catch2/catch.hpp>

#include <random>

#include "feed.hpp"
#include "reply_values.hpp"

using namespace atomkv::resp;
using namespace atomkv::resp::test;

namespace {

std::string multibulk(const args& a) {
  std::string out = "*" + std::to_string(a.size()) + "\r\n";
  for (const std::string& s : a) {
    out += "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
  }
  return out;
}

// Appends one random request to `stream` and what it decodes to to `expected`. Returns the
// length of a request that is skipped (empty), 0 for one that is decoded.
std::size_t random_request(std::mt19937& rng, std::string& stream, std::vector<args>& expected) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  switch (pick(8)) {
    case 0: {  // inline, plain and quoted words
      args a;
      std::string line;
      const int n = 1 + pick(4);
      for (int i = 0; i < n; ++i) {
        std::string w(static_cast<std::size_t>(1 + pick(6)), 'x');
        for (char& c : w) {
          c = static_cast<char>('a' + pick(26));
        }
        switch (pick(3)) {
          case 0:
            line += w;
            a.push_back(w);
            break;
          case 1:
            line += "\"" + w + "\\x41\\n\"";
            a.push_back(w + "A\n");
            break;
          default:
            line += "'" + w + "\\' '";
            a.push_back(w + "' ");
            break;
        }
        line += std::string(static_cast<std::size_t>(1 + pick(2)), pick(2) ? ' ' : '\t');
      }
      stream += line + (pick(2) ? "\r\n" : "\n");
      expected.push_back(a);
      return 0;
    }
    case 1: {  // skipped: empty multibulk or blank line
      const std::string_view empty = pick(2) ? (pick(2) ? "*0\r\n" : "*-1\r\n") : "  \r\n";
      stream += empty;
      return empty.size();
    }
    default: {  // multibulk with arbitrary bytes
      args a;
      const int n = 1 + pick(5);
      for (int i = 0; i < n; ++i) {
        std::string s(static_cast<std::size_t>(pick(pick(10) == 0 ? 3000 : 20)), '\0');
        for (char& c : s) {
          c = static_cast<char>(pick(256));
        }
        a.push_back(s);
      }
      stream += multibulk(a);
      expected.push_back(a);
      return 0;
    }
  }
}

}  // namespace

TEST_CASE("random request streams cut at random points", "[request][random]") {
  std::mt19937 rng(20260424);
  for (int round = 0; round < 300; ++round) {
    std::string stream;
    std::vector<args> expected;
    const int n = 1 + static_cast<int>(rng() % 20);
    // Skipped requests at the end stay buffered: they are dropped with the next request.
    std::size_t trailing_skipped = 0;
    for (int i = 0; i < n; ++i) {
      const std::size_t skipped = random_request(rng, stream, expected);
      trailing_skipped = skipped == 0 ? 0 : trailing_skipped + skipped;
    }
    const std::size_t max_chunk = 1 + rng() % 64;
    const request_log log =
        feed_requests(stream, [&](std::size_t) { return 1 + rng() % max_chunk; });
    INFO("round " << round);
    REQUIRE(log.error.empty());
    CHECK(log.left_over == trailing_skipped);
    CHECK(log.requests == expected);
    // A stream stopped at a random point decodes a prefix of the requests.
    const std::size_t cut = rng() % (stream.size() + 1);
    const request_log partial = feed_requests_whole(std::string_view(stream).substr(0, cut));
    REQUIRE(partial.requests.size() <= expected.size());
    CHECK(std::equal(partial.requests.begin(), partial.requests.end(), expected.begin()));
  }
}

TEST_CASE("random reply streams cut at random points", "[reply][random]") {
  std::mt19937 rng(7);
  for (protocol proto : {protocol::resp2, protocol::resp3}) {
    for (int round = 0; round < 200; ++round) {
      std::string stream;
      std::vector<reply_value> expected;
      const int n = 1 + static_cast<int>(rng() % 10);
      for (int i = 0; i < n; ++i) {
        const reply_value v = random_reply(rng);
        stream += encode(v, proto);
        expected.push_back(as_received(v, proto));
      }
      const reply_log log = feed_replies(stream, [&](std::size_t) { return 1 + rng() % 40; });
      INFO("round " << round);
      REQUIRE(log.error.empty());
      CHECK(log.left_over == 0);
      CHECK(log.replies == expected);
    }
  }
}
