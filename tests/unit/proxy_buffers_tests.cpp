// The proxy's per-connection buffers: the reply queue counts the bytes it holds as they are
// added (the output buffer limit reads that count for every command), and the input buffer gives
// its memory back.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "input_buffer.hpp"
#include "reply_queue.hpp"

using atomkv::proxy::input_buffer;
using atomkv::proxy::reply_queue;

TEST_CASE("reply queue: held bytes follow every reply in and out", "[unit][proxy]") {
  reply_queue q;
  std::string out;
  CHECK(q.held() == 0);
  auto first = q.reserve();
  CHECK(q.held() == 0);
  q.append_ready() += "+one\r\n";
  q.append_ready() += "+two\r\n";
  CHECK(q.held() == 12);
  auto second = q.reserve();
  q.append_ready() += "+three\r\n";
  CHECK(q.held() == 20);
  // The second reply arrives first: it waits too.
  q.bytes_of(second) += ":2\r\n";
  q.mark_ready(second);
  CHECK(q.held() == 24);
  auto third = q.reserve();
  q.append_ready() += "+four\r\n";
  CHECK(q.held() == 31);
  // The first arrives: everything up to the third pending reply goes out, in order.
  CHECK(q.is_front(first));
  out += ":1\r\n";
  q.pop_front(out);
  CHECK(out == ":1\r\n+one\r\n+two\r\n:2\r\n+three\r\n");
  CHECK(q.held() == 7);
  CHECK(q.is_front(third));
  out.clear();
  out += ":3\r\n";
  q.pop_front(out);
  CHECK(out == ":3\r\n+four\r\n");
  CHECK(q.empty());
  CHECK(q.held() == 0);
}

TEST_CASE("input buffer: memory goes back once requests are consumed", "[unit][proxy]") {
  input_buffer in;
  std::size_t got = 0;
  char* tail = in.reserve_tail(16 * 1024, got);
  REQUIRE(got >= 16 * 1024);
  std::string request(200 * 1024, 'x');
  // A large request grows the buffer over several reads.
  std::size_t copied = 0;
  while (copied < request.size()) {
    tail = in.reserve_tail(16 * 1024, got);
    std::size_t n = std::min(got, request.size() - copied);
    request.copy(tail, n, copied);
    in.commit(n);
    copied += n;
  }
  CHECK(in.view() == request);
  CHECK(in.capacity() >= request.size());
  // Part consumed, the connection idle: only the rest is kept.
  in.consume(request.size() - 10);
  in.shrink_to_fit();
  CHECK(in.capacity() == 10);
  CHECK(in.view() == std::string(10, 'x'));
  // Everything consumed: nothing is kept.
  in.consume(10);
  in.shrink_if_empty(64 * 1024);
  CHECK(in.capacity() == 10);  // small enough to keep between requests
  in.shrink_to_fit();
  CHECK(in.capacity() == 0);
  tail = in.reserve_tail(16 * 1024, got);
  CHECK(got == 16 * 1024);
}
