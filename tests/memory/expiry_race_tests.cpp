// Writers racing the expiry thread (run under ThreadSanitizer with the `concurrent` label): sets
// with short deadlines, expire, persist, increments, reads and transactions on a few hundred keys
// while the store's thread reclaims them. Afterwards every key with a deadline is gone and the
// counts agree with what is left.

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

using atomkv::expiry;
using atomkv::op_result;
using atomkv::operation;
using atomkv::unix_time_ms;
using namespace atomkv::memory::testing;

TEST_CASE("writers race the expiry thread", "[race]") {
  auto store = fresh_store();
  auto bucket = store->open("race").value();
  constexpr int kThreads = 4;
  constexpr int kOps = 4000;
  constexpr int kKeys = 200;
  std::atomic<int> errors{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      const auto run = [&](std::vector<operation> ops) {
        if (!bucket->apply(ops)) {
          errors++;
        }
      };
      std::mt19937 random(static_cast<unsigned>(t) * 7919u + 1u);
      for (int i = 0; i < kOps; ++i) {
        const std::string key = "k" + std::to_string(random() % kKeys);
        const std::int64_t ms = 1 + static_cast<std::int64_t>(random() % 20);
        switch (random() % 9) {
          case 0:
            run({operation::set(key, "1", operation::condition::always, false, expiry::after(ms))});
            break;
          case 1:
            run({operation::expire(key, expiry::after(ms))});
            break;
          case 2:
            run({operation::persist(key)});
            break;
          case 3:
            if (!bucket->increment(key, 1)) {
              errors++;  // only a non-integer value fails, and every value here is one
            }
            break;
          case 4:
            (void)bucket->get(key);
            break;
          case 5:
            run({operation::get_and_expire(key, expiry::after(ms)), operation::time_left(key),
                 operation::count()});
            break;
          case 6: {
            auto txn = bucket->begin().value();
            const std::string_view keys[] = {key};
            (void)txn->watch(keys, true);
            const operation ops[] = {operation::increment(key, 2),
                                     operation::expire(key, expiry::after(ms))};
            (void)txn->commit(ops);
            break;
          }
          case 7:
            (void)bucket->remove(key);
            break;
          default:
            (void)bucket->set(key, "5");
            break;
        }
      }
    });
  }
  for (auto& w : writers) {
    w.join();
  }
  CHECK(errors == 0);
  // Keys set last without a deadline stay; the others go within their 20 ms and a few cycles.
  const std::int64_t all_due = unix_time_ms() + 20;
  sleep_past(all_due);
  auto bystander = store->open("bystander").value();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    // Read-only through another bucket: only the thread reclaims in "race".
    auto& space = dynamic_cast<atomkv::memory::keyspace&>(*bucket);
    std::size_t indexed = 0;
    for (std::size_t i = 0; i < atomkv::memory::keyspace::stripe_count; ++i) {
      auto& s = space.stripe_at(std::uint64_t{i} << (64 - atomkv::memory::keyspace::stripe_bits));
      std::lock_guard guard(s.lock);
      indexed += s.deadlines.size();
    }
    if (indexed == 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(integer(*bucket, operation::count_expiring()) == 0);
  atomkv::backend::list_options options;
  auto page = bucket->list_keys(std::nullopt, options);
  REQUIRE(page);
  CHECK(static_cast<std::int64_t>(page.value().keys.size()) ==
        integer(*bucket, operation::count()));
  for (const auto& key : page.value().keys) {
    CHECK(integer(*bucket, operation::time_left(key)) == -1);
  }
  CHECK(integer(*bystander, operation::expired_total()) > 0);
}
