// Fuzzes request_decoder: no input may crash it, and every way of splitting the input into reads
// must give the same requests and the same error.
//
// Input layout: byte 0 picks the limits (Redis's, or tiny ones so that the "too big" and
// length-limit paths are reachable with short inputs) and seeds the read sizes; the rest is the
// byte stream a client sends.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/resp/request_decoder.hpp"

namespace {

using atomkv::resp::decode_status;
using atomkv::resp::request;
using atomkv::resp::request_decoder;
using atomkv::resp::request_limits;

struct outcome {
  std::vector<std::vector<std::string>> requests;
  std::string error;
  bool operator==(const outcome&) const = default;
};

void check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// Feeds `input` in reads of sizes drawn from `seed` (0: all at once).
outcome run(std::string_view input, const request_limits& limits, std::uint32_t seed) {
  request_decoder decoder(limits);
  request req;
  outcome result;
  std::string buffer;
  std::size_t fed = 0;
  while (fed < input.size()) {
    std::size_t n = input.size() - fed;
    if (seed != 0) {
      seed = seed * 1103515245u + 12345u;
      n = std::min<std::size_t>(n, 1 + (seed >> 16) % 17);
    }
    buffer.append(input.substr(fed, n));
    fed += n;
    std::string_view rest = buffer;
    for (;;) {
      const decode_status status = decoder.decode(rest, req);
      if (status == decode_status::need_more) {
        break;
      }
      if (status == decode_status::error) {
        check(decoder.error_message().rfind("ERR Protocol error: ", 0) == 0);
        result.error = decoder.error_message();
        return result;
      }
      const std::size_t used = decoder.consumed();
      check(used > 0 && used <= rest.size());
      check(!req.args.empty());
      std::vector<std::string> args;
      for (std::string_view arg : req.args) {
        check(inside(arg, rest.substr(0, used)) || inside(arg, req.storage));
        args.emplace_back(arg);
      }
      result.requests.push_back(std::move(args));
      rest.remove_prefix(used);
    }
    buffer.erase(0, buffer.size() - rest.size());
  }
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::uint8_t control = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  request_limits limits;
  if (control & 1) {
    limits.max_bulk_length = 16;
    limits.max_multibulk_length = 4;
    limits.max_inline_length = 24;
  }
  const outcome whole = run(input, limits, 0);
  check(run(input, limits, 1u + (control >> 1)) == whole);
  if (input.size() <= 512) {
    // One byte at a time, the strongest split.
    request_decoder decoder(limits);
    request req;
    outcome bytewise;
    std::string buffer;
    for (char c : input) {
      buffer.push_back(c);
      decode_status status;
      while ((status = decoder.decode(buffer, req)) == decode_status::complete) {
        bytewise.requests.emplace_back(req.args.begin(), req.args.end());
        buffer.erase(0, decoder.consumed());
      }
      if (status == decode_status::error) {
        bytewise.error = decoder.error_message();
        break;
      }
    }
    check(bytewise == whole);
  }
  return 0;
}
