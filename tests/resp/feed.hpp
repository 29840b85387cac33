#pragma once
// Test helpers: play bytes into a decoder the way a connection would, in chunks of chosen sizes.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/resp/reply_decoder.hpp"
#include "atomkv/resp/request_decoder.hpp"

namespace atomkv::resp::test {

// Everything a connection got out of a byte stream.
struct request_log {
  std::vector<std::vector<std::string>> requests;
  std::string error;          // empty unless the stream ended in a protocol error
  std::size_t left_over = 0;  // bytes still buffered at the end (an unfinished request)

  friend bool operator==(const request_log&, const request_log&) = default;
};

// Feeds `bytes` in chunks whose sizes `next_chunk` picks (called with the bytes remaining).
inline request_log feed_requests(std::string_view bytes,
                                 const std::function<std::size_t(std::size_t)>& next_chunk,
                                 request_limits limits = {}) {
  request_decoder decoder(limits);
  request req;
  request_log log;
  std::string buffer;
  std::size_t fed = 0;
  while (fed < bytes.size()) {
    const std::size_t n = std::min(next_chunk(bytes.size() - fed), bytes.size() - fed);
    buffer.append(bytes.substr(fed, n));
    fed += n;
    std::string_view rest = buffer;
    for (;;) {
      const decode_status status = decoder.decode(rest, req);
      if (status == decode_status::need_more) {
        break;
      }
      if (status == decode_status::error) {
        log.error = decoder.error_message();
        return log;
      }
      log.requests.emplace_back(req.args.begin(), req.args.end());
      rest.remove_prefix(decoder.consumed());
    }
    buffer.erase(0, buffer.size() - rest.size());
  }
  log.left_over = buffer.size();
  return log;
}

inline request_log feed_requests_whole(std::string_view bytes, request_limits limits = {}) {
  return feed_requests(
      bytes, [](std::size_t left) { return left; }, limits);
}

inline request_log feed_requests_bytewise(std::string_view bytes, request_limits limits = {}) {
  return feed_requests(
      bytes, [](std::size_t) { return std::size_t{1}; }, limits);
}

struct reply_log {
  std::vector<reply_value> replies;
  std::string error;
  std::size_t left_over = 0;

  friend bool operator==(const reply_log&, const reply_log&) = default;
};

inline reply_log feed_replies(std::string_view bytes,
                              const std::function<std::size_t(std::size_t)>& next_chunk) {
  reply_decoder decoder;
  reply_value value;
  reply_log log;
  std::string buffer;
  std::size_t fed = 0;
  while (fed < bytes.size()) {
    const std::size_t n = std::min(next_chunk(bytes.size() - fed), bytes.size() - fed);
    buffer.append(bytes.substr(fed, n));
    fed += n;
    std::string_view rest = buffer;
    for (;;) {
      const decode_status status = decoder.decode(rest, value);
      if (status == decode_status::need_more) {
        break;
      }
      if (status == decode_status::error) {
        log.error = decoder.error_message();
        return log;
      }
      log.replies.push_back(value);
      rest.remove_prefix(decoder.consumed());
    }
    buffer.erase(0, buffer.size() - rest.size());
  }
  log.left_over = buffer.size();
  return log;
}

inline reply_log feed_replies_whole(std::string_view bytes) {
  return feed_replies(bytes, [](std::size_t left) { return left; });
}

inline reply_log feed_replies_bytewise(std::string_view bytes) {
  return feed_replies(bytes, [](std::size_t) { return std::size_t{1}; });
}

using args = std::vector<std::string>;

}  // namespace atomkv::resp::test
