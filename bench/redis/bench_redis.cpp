// Library against raw hiredis, on the same redis-server in the same run:
//   increment      atomics::increment            vs  INCRBY with redisCommandArgv
//   cas-increment  cas::make + swap, retried     vs  WATCH+GET, then MULTI+SET+EXEC, pipelined
// with 1 and 8 threads. Each thread has its own key (the cost of the path, not of conflicts)
// and, on the raw side, its own connection. Runs alternate library/raw so that noise from other
// work on the machine falls on both; the table shows medians.
//
//   bench_redis [--runs N] [--seconds S] [--url redis://host:port]

#include <hiredis/hiredis.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "atomkv/atomkv.hpp"
#include "atomkv/url.hpp"
#include "support/redis_server.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct target {
  std::string url;
  std::string host;
  int port = 0;
};

using context_ptr = std::unique_ptr<redisContext, void (*)(redisContext*)>;
using reply_ptr = std::unique_ptr<redisReply, void (*)(void*)>;

context_ptr raw_connect(const target& where) {
  context_ptr c(redisConnect(where.host.c_str(), where.port), &redisFree);
  if (!c || c->err) {
    std::fprintf(stderr, "raw connect failed\n");
    std::exit(1);
  }
  return c;
}

reply_ptr raw_reply(redisContext* c) {
  void* r = nullptr;
  if (redisGetReply(c, &r) != REDIS_OK) {
    std::fprintf(stderr, "raw reply failed: %s\n", c->errstr);
    std::exit(1);
  }
  return reply_ptr(static_cast<redisReply*>(r), &freeReplyObject);
}

// One worker's loop: runs `step` until `stop`, returns how many steps it finished.
using worker = std::function<long(const std::atomic<bool>& stop)>;
using worker_factory = std::function<worker(int thread_index)>;

double thread_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct sample {
  double ops_per_second;
  double cpu_us_per_op;  // client threads' user + system CPU time per operation
};

sample measure(const worker_factory& make, int threads, double seconds) {
  std::vector<worker> loops;
  for (int t = 0; t < threads; ++t) {
    loops.push_back(make(t));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<long> counts(threads, 0);
  std::vector<double> cpu(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ++ready;
      while (!go) {
        std::this_thread::yield();
      }
      double before = thread_cpu_seconds();
      counts[t] = loops[t](stop);
      cpu[t] = thread_cpu_seconds() - before;
    });
  }
  while (ready < threads) {
    std::this_thread::yield();
  }
  auto start = clock_type::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) {
    th.join();
  }
  double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  long total = 0;
  double cpu_total = 0;
  for (int t = 0; t < threads; ++t) {
    total += counts[t];
    cpu_total += cpu[t];
  }
  return {total / elapsed, total ? cpu_total * 1e6 / total : 0};
}

std::string key_for(const std::string& workload, int thread) {
  return "bench:" + workload + ":" + std::to_string(thread);
}

// ---- library ----

worker_factory library_increment(const atomkv::bucket& bucket) {
  return [bucket](int t) -> worker {
    return [bucket, key = key_for("incr", t)](const std::atomic<bool>& stop) {
      long n = 0;
      while (!stop) {
        if (!atomkv::atomics::increment(bucket, key, 1)) {
          std::fprintf(stderr, "library increment failed\n");
          std::exit(1);
        }
        ++n;
      }
      return n;
    };
  };
}

worker_factory library_cas(const atomkv::bucket& bucket) {
  return [bucket](int t) -> worker {
    return [bucket, key = key_for("cas", t)](const std::atomic<bool>& stop) {
      long n = 0;
      while (!stop) {
        auto handle = atomkv::atomics::cas::make(bucket, key);
        for (;;) {
          if (!handle) {
            std::fprintf(stderr, "library cas failed\n");
            std::exit(1);
          }
          auto now = handle.value().current().value();
          long value = now ? std::atol(now->c_str()) : 0;
          auto swapped =
              atomkv::atomics::swap(std::move(handle).value(), std::to_string(value + 1));
          if (swapped) {
            break;
          }
          if (!swapped.error().is_cas_failed()) {
            std::fprintf(stderr, "library swap failed\n");
            std::exit(1);
          }
          handle = std::move(swapped).error().take_refreshed();
        }
        ++n;
      }
      return n;
    };
  };
}

// ---- raw hiredis ----

worker_factory raw_increment(const target& where) {
  return [where](int t) -> worker {
    auto conn = std::make_shared<context_ptr>(raw_connect(where));
    return [conn, key = key_for("incr", t)](const std::atomic<bool>& stop) {
      redisContext* c = conn->get();
      const char* argv[] = {"INCRBY", key.c_str(), "1"};
      const size_t lens[] = {6, key.size(), 1};
      long n = 0;
      while (!stop) {
        reply_ptr r(static_cast<redisReply*>(redisCommandArgv(c, 3, argv, lens)), &freeReplyObject);
        if (!r || r->type != REDIS_REPLY_INTEGER) {
          std::fprintf(stderr, "raw INCRBY failed\n");
          std::exit(1);
        }
        ++n;
      }
      return n;
    };
  };
}

worker_factory raw_cas(const target& where) {
  return [where](int t) -> worker {
    auto conn = std::make_shared<context_ptr>(raw_connect(where));
    return [conn, key = key_for("cas", t)](const std::atomic<bool>& stop) {
      redisContext* c = conn->get();
      long n = 0;
      while (!stop) {
        for (;;) {
          const char* watch[] = {"WATCH", key.c_str()};
          const size_t watch_len[] = {5, key.size()};
          const char* get[] = {"GET", key.c_str()};
          const size_t get_len[] = {3, key.size()};
          redisAppendCommandArgv(c, 2, watch, watch_len);
          redisAppendCommandArgv(c, 2, get, get_len);
          raw_reply(c);
          auto value_reply = raw_reply(c);
          long value = value_reply->type == REDIS_REPLY_STRING ? std::atol(value_reply->str) : 0;
          std::string next = std::to_string(value + 1);
          const char* multi[] = {"MULTI"};
          const size_t multi_len[] = {5};
          const char* set[] = {"SET", key.c_str(), next.c_str()};
          const size_t set_len[] = {3, key.size(), next.size()};
          const char* exec[] = {"EXEC"};
          const size_t exec_len[] = {4};
          redisAppendCommandArgv(c, 1, multi, multi_len);
          redisAppendCommandArgv(c, 3, set, set_len);
          redisAppendCommandArgv(c, 1, exec, exec_len);
          raw_reply(c);
          raw_reply(c);
          if (raw_reply(c)->type == REDIS_REPLY_ARRAY) {
            break;
          }
        }
        ++n;
      }
      return n;
    };
  };
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  double seconds = 1.0;
  std::string url;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--url" && i + 1 < argc) {
      url = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--runs N] [--seconds S] [--url redis://host:port]\n",
                   argv[0]);
      return 2;
    }
  }

  std::unique_ptr<atomkv::testing::redis_server> server;
  target where;
  if (url.empty()) {
    server = std::make_unique<atomkv::testing::redis_server>();
    if (!server->running()) {
      std::fprintf(stderr, "cannot start redis-server: %s\n", server->error().c_str());
      return 1;
    }
    where.url = server->url();
  } else {
    where.url = url;
  }
  auto parsed = atomkv::parse_store_url(where.url);
  if (!parsed) {
    std::fprintf(stderr, "bad URL\n");
    return 1;
  }
  where.host = parsed.value().host.empty() ? "127.0.0.1" : parsed.value().host;
  where.port = parsed.value().port.value_or(6379);

  auto store = atomkv::connect(where.url);
  if (!store) {
    std::fprintf(stderr, "connect: %s\n", store.error().message.c_str());
    return 1;
  }
  auto bucket = store.value().open("").value();

  struct workload {
    const char* name;
    worker_factory library;
    worker_factory raw;
  };
  const workload workloads[] = {
      {"increment", library_increment(bucket), raw_increment(where)},
      {"cas-increment", library_cas(bucket), raw_cas(where)},
  };
  std::printf("redis-server at %s; %d runs of %.1f s each, library and raw alternating\n\n",
              where.url.c_str(), runs, seconds);
  std::printf("%-14s %7s %14s %14s %12s %9s %12s %12s %9s\n", "workload", "threads",
              "library ops/s", "hiredis ops/s", "lib/hiredis", "overhead", "lib cpu us/op",
              "raw cpu us/op", "cpu ratio");
  for (const auto& w : workloads) {
    for (int threads : {1, 8}) {
      std::vector<double> library_runs, raw_runs, library_cpu, raw_cpu;
      for (int r = 0; r < runs; ++r) {
        auto lib_sample = measure(w.library, threads, seconds);
        auto raw_sample = measure(w.raw, threads, seconds);
        library_runs.push_back(lib_sample.ops_per_second);
        raw_runs.push_back(raw_sample.ops_per_second);
        library_cpu.push_back(lib_sample.cpu_us_per_op);
        raw_cpu.push_back(raw_sample.cpu_us_per_op);
      }
      double lib = median(library_runs);
      double raw = median(raw_runs);
      double lib_cpu = median(library_cpu);
      double raw_cpu_median = median(raw_cpu);
      std::printf("%-14s %7d %14.0f %14.0f %12.3f %8.1f%% %12.2f %12.2f %9.3f\n", w.name, threads,
                  lib, raw, lib / raw, (raw / lib - 1) * 100, lib_cpu, raw_cpu_median,
                  lib_cpu / raw_cpu_median);
      std::fflush(stdout);
    }
  }
  std::printf(
      "\nlib/hiredis: library ops/s over raw hiredis ops/s (medians); overhead: extra time "
      "per op of the library, raw/lib - 1.\ncpu us/op: user+system CPU time of the client "
      "threads per operation (medians; steadier than ops/s when other work shares the machine).\n");
  return 0;
}
