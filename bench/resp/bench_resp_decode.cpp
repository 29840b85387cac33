// Requests decoded per second on a pipelined stream of SET/GET/INCRBY, next to hiredis's
// redisReader parsing the same bytes in the same run (a multibulk request is valid RESP array
// syntax, so hiredis reads each request as an array reply). Both are fed the stream in reads of
// the same size, the way a connection receives it.
//
// Usage: bench_resp_decode [--requests N] [--runs R] [--read-size BYTES]

#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/resp/request_decoder.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::size_t requests = 1'000'000;
  int runs = 7;
  std::size_t read_size = 16 * 1024;  // Redis reads 16 KiB at a time (PROTO_IOBUF_LEN)
};

void append_bulk(std::string& out, std::string_view s) {
  out += '$';
  out += std::to_string(s.size());
  out += "\r\n";
  out += s;
  out += "\r\n";
}

std::string make_stream(std::size_t requests) {
  std::string out;
  out.reserve(requests * 48);
  for (std::size_t i = 0; i < requests; ++i) {
    const std::string key = "key:" + std::to_string(i % 10000);
    switch (i % 3) {
      case 0:
        out += "*3\r\n";
        append_bulk(out, "SET");
        append_bulk(out, key);
        append_bulk(out, "value-" + std::to_string(i % 977) + "-abcdefgh");
        break;
      case 1:
        out += "*2\r\n";
        append_bulk(out, "GET");
        append_bulk(out, key);
        break;
      default:
        out += "*3\r\n";
        append_bulk(out, "INCRBY");
        append_bulk(out, "counter:" + std::to_string(i % 100));
        append_bulk(out, std::to_string(static_cast<long>(i % 1000) - 500));
        break;
    }
  }
  return out;
}

struct result {
  double seconds;
  std::size_t requests;
  std::size_t checksum;  // keeps the work observable
};

result run_atomkv(const std::string& stream, std::size_t read_size) {
  const auto start = clock_type::now();
  atomkv::resp::request_decoder decoder;
  atomkv::resp::request req;
  std::string buffer;
  std::size_t requests = 0;
  std::size_t checksum = 0;
  for (std::size_t fed = 0; fed < stream.size(); fed += read_size) {
    buffer.append(stream, fed, read_size);
    std::string_view rest = buffer;
    while (decoder.decode(rest, req) == atomkv::resp::decode_status::complete) {
      ++requests;
      checksum += req.args.size() + req.args.back().size();
      rest.remove_prefix(decoder.consumed());
    }
    buffer.erase(0, buffer.size() - rest.size());
  }
  const std::chrono::duration<double> elapsed = clock_type::now() - start;
  return {elapsed.count(), requests, checksum};
}

result run_hiredis(const std::string& stream, std::size_t read_size) {
  const auto start = clock_type::now();
  redisReader* reader = redisReaderCreate();
  std::size_t requests = 0;
  std::size_t checksum = 0;
  for (std::size_t fed = 0; fed < stream.size(); fed += read_size) {
    const std::size_t n = std::min(read_size, stream.size() - fed);
    if (redisReaderFeed(reader, stream.data() + fed, n) != REDIS_OK) {
      std::fprintf(stderr, "hiredis: feed failed\n");
      std::exit(1);
    }
    void* reply = nullptr;
    for (;;) {
      if (redisReaderGetReply(reader, &reply) != REDIS_OK) {
        std::fprintf(stderr, "hiredis: %s\n", reader->errstr);
        std::exit(1);
      }
      if (reply == nullptr) {
        break;
      }
      const auto* r = static_cast<redisReply*>(reply);
      ++requests;
      checksum += r->elements + r->element[r->elements - 1]->len;
      freeReplyObject(reply);
    }
  }
  redisReaderFree(reader);
  const std::chrono::duration<double> elapsed = clock_type::now() - start;
  return {elapsed.count(), requests, checksum};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

options parse_options(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view name = argv[i];
    const long long value = std::atoll(argv[i + 1]);
    if (value <= 0) {
      std::fprintf(stderr, "bad value for %s\n", argv[i]);
      std::exit(2);
    }
    if (name == "--requests") {
      o.requests = static_cast<std::size_t>(value);
    } else if (name == "--runs") {
      o.runs = static_cast<int>(value);
    } else if (name == "--read-size") {
      o.read_size = static_cast<std::size_t>(value);
    } else {
      std::fprintf(stderr, "usage: %s [--requests N] [--runs R] [--read-size BYTES]\n", argv[0]);
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse_options(argc, argv);
  const std::string stream = make_stream(opt.requests);
  std::printf("stream: %zu requests (SET/GET/INCRBY), %zu bytes, reads of %zu bytes, %d runs\n",
              opt.requests, stream.size(), opt.read_size, opt.runs);

  // A first untimed pass of each warms caches and the allocator.
  const result warm_ours = run_atomkv(stream, opt.read_size);
  const result warm_theirs = run_hiredis(stream, opt.read_size);
  if (warm_ours.requests != opt.requests || warm_theirs.requests != opt.requests ||
      warm_ours.checksum != warm_theirs.checksum) {
    std::fprintf(stderr, "decoders disagree: %zu/%zu requests, checksums %zu/%zu\n",
                 warm_ours.requests, warm_theirs.requests, warm_ours.checksum,
                 warm_theirs.checksum);
    return 1;
  }

  std::vector<double> ours_rates;
  std::vector<double> theirs_rates;
  std::vector<double> ratios;
  for (int run = 0; run < opt.runs; ++run) {
    // Alternate which goes first so that neither always gets the warmer machine.
    result ours{};
    result theirs{};
    if (run % 2 == 0) {
      ours = run_atomkv(stream, opt.read_size);
      theirs = run_hiredis(stream, opt.read_size);
    } else {
      theirs = run_hiredis(stream, opt.read_size);
      ours = run_atomkv(stream, opt.read_size);
    }
    const double ours_rate = static_cast<double>(ours.requests) / ours.seconds;
    const double theirs_rate = static_cast<double>(theirs.requests) / theirs.seconds;
    ours_rates.push_back(ours_rate);
    theirs_rates.push_back(theirs_rate);
    ratios.push_back(ours_rate / theirs_rate);
    std::printf("run %d: atomkv %.2f M req/s, hiredis %.2f M req/s, ratio %.2fx\n", run + 1,
                ours_rate / 1e6, theirs_rate / 1e6, ours_rate / theirs_rate);
  }
  const double ours_median = median(ours_rates);
  const double theirs_median = median(theirs_rates);
  std::printf("median: atomkv %.2f M req/s, hiredis %.2f M req/s\n", ours_median / 1e6,
              theirs_median / 1e6);
  std::printf("ratio atomkv/hiredis: %.2fx (median of runs' ratios %.2fx); target 2x: %s\n",
              ours_median / theirs_median, median(ratios),
              ours_median / theirs_median >= 2.0 ? "met" : "NOT met");
  return 0;
}
