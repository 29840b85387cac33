// The client side of bench/proxy/scan.sh, on hiredis:
//
//   scan_bench load PORT KEYS        MSET of keys key:0 .. key:KEYS-1, 1000 per command, pipelined
//   scan_bench scan PORT COUNT [GETTERS]
//
// `scan` iterates SCAN cursor COUNT COUNT from 0 back to 0 and prints one line of
// `name=value` fields: the calls, the keys returned (a key may come twice, as SCAN allows), the
// wall time, and each call's latency (median, p99, max). With GETTERS > 0, that many other
// connections send GET key:<random> one after the other for as long as the scan runs, each
// measuring every GET's latency, and the line adds their count and latencies (median, p99, max):
// what the other clients of the server feel while one client scans it.

#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

redisContext* connect_to(int port) {
  redisContext* c = redisConnect("127.0.0.1", port);
  if (c == nullptr || c->err) {
    std::fprintf(stderr, "cannot connect to 127.0.0.1:%d\n", port);
    std::exit(1);
  }
  return c;
}

redisReply* command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data()));
  if (reply == nullptr || reply->type == REDIS_REPLY_ERROR) {
    std::fprintf(stderr, "%s failed: %s\n", args.front().c_str(), reply ? reply->str : c->errstr);
    std::exit(1);
  }
  return reply;
}

double quantile_us(std::vector<double>& samples, double q) {
  if (samples.empty()) {
    return 0;
  }
  std::size_t at = std::min(samples.size() - 1, static_cast<std::size_t>(q * samples.size()));
  std::nth_element(samples.begin(), samples.begin() + at, samples.end());
  return samples[at];
}

int load(int port, long keys) {
  redisContext* c = connect_to(port);
  constexpr long per_command = 1000;
  long pending = 0;
  for (long first = 0; first < keys; first += per_command) {
    std::vector<std::string> args{"MSET"};
    for (long i = first; i < std::min(keys, first + per_command); ++i) {
      args.push_back("key:" + std::to_string(i));
      args.push_back("v");
    }
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(), lengths.data());
    if (++pending == 64) {  // a window of commands in flight, then their replies
      for (; pending > 0; --pending) {
        void* reply = nullptr;
        if (redisGetReply(c, &reply) != REDIS_OK) {
          std::fprintf(stderr, "MSET failed: %s\n", c->errstr);
          return 1;
        }
        freeReplyObject(reply);
      }
    }
  }
  for (; pending > 0; --pending) {
    void* reply = nullptr;
    if (redisGetReply(c, &reply) != REDIS_OK) {
      std::fprintf(stderr, "MSET failed: %s\n", c->errstr);
      return 1;
    }
    freeReplyObject(reply);
  }
  freeReplyObject(command(c, {"DBSIZE"}));
  redisFree(c);
  return 0;
}

int scan(int port, long count, int getters) {
  redisContext* c = connect_to(port);
  auto* size_reply = command(c, {"DBSIZE"});
  const long long keys_in_db = size_reply->integer;
  freeReplyObject(size_reply);

  std::atomic<bool> scanning{true};
  std::vector<std::vector<double>> get_latencies(getters);
  std::vector<std::thread> threads;
  for (int g = 0; g < getters; ++g) {
    threads.emplace_back([&, g] {
      redisContext* gc = connect_to(port);
      std::mt19937_64 random(g + 1);
      while (scanning.load(std::memory_order_relaxed)) {
        std::string key = "key:" + std::to_string(random() % std::max<long long>(keys_in_db, 1));
        auto start = clock_type::now();
        freeReplyObject(command(gc, {"GET", key}));
        get_latencies[g].push_back(
            std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
      }
      redisFree(gc);
    });
  }

  std::vector<double> call_latencies;
  long keys_returned = 0;
  std::string cursor = "0";
  const std::string count_text = std::to_string(count);
  auto began = clock_type::now();
  do {
    auto start = clock_type::now();
    auto* page = command(c, {"SCAN", cursor, "COUNT", count_text});
    call_latencies.push_back(
        std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
    cursor.assign(page->element[0]->str, page->element[0]->len);
    keys_returned += static_cast<long>(page->element[1]->elements);
    freeReplyObject(page);
  } while (cursor != "0");
  double seconds = std::chrono::duration<double>(clock_type::now() - began).count();
  scanning = false;
  for (auto& t : threads) {
    t.join();
  }
  redisFree(c);

  std::vector<double> gets;
  for (auto& l : get_latencies) {
    gets.insert(gets.end(), l.begin(), l.end());
  }
  std::size_t calls = call_latencies.size();
  double call_p50 = quantile_us(call_latencies, 0.5);
  double call_p99 = quantile_us(call_latencies, 0.99);
  double call_max = quantile_us(call_latencies, 1.0);
  std::printf(
      "keys_in_db=%lld calls=%zu keys_returned=%ld seconds=%.3f call_p50_us=%.1f "
      "call_p99_us=%.1f call_max_us=%.1f",
      keys_in_db, calls, keys_returned, seconds, call_p50, call_p99, call_max);
  if (getters > 0) {
    std::size_t n = gets.size();
    double p50 = quantile_us(gets, 0.5);
    double p99 = quantile_us(gets, 0.99);
    double max = quantile_us(gets, 1.0);
    std::printf(" gets=%zu get_p50_us=%.1f get_p99_us=%.1f get_max_us=%.1f", n, p50, p99, max);
  }
  std::printf("\n");
  return keys_returned >= keys_in_db ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "load") {
    return load(std::atoi(argv[2]), std::atol(argv[3]));
  }
  if (argc >= 4 && std::string(argv[1]) == "scan") {
    return scan(std::atoi(argv[2]), std::atol(argv[3]), argc >= 5 ? std::atoi(argv[4]) : 0);
  }
  std::fprintf(stderr, "usage: %s load PORT KEYS | scan PORT COUNT [GETTERS]\n", argv[0]);
  return 2;
}
