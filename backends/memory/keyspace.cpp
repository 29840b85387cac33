#include "keyspace.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "atomkv/counter.hpp"
#include "atomkv/glob.hpp"
#include "memory_transaction.hpp"

namespace atomkv::memory {
namespace {

constexpr std::string_view kNotAnInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";

bool is_whole_bucket(const operation& op) {
  return op.what == operation::kind::clear || op.what == operation::kind::count ||
         op.what == operation::kind::list;
}

bool is_multi_key(const operation& op) {
  return is_whole_bucket(op) || op.what == operation::kind::set_if_none_exist;
}

keyspace::entry* find_present(keyspace::stripe& s, std::string_view key) {
  auto it = s.entries.find(key);
  return it != s.entries.end() && it->second.present ? &it->second : nullptr;
}

}  // namespace

void keyspace::write(stripe& s, entry& e, std::string_view value) {
  e.value.assign(value);
  e.version = ++s.clock;
  if (!e.present) {
    e.present = true;
    ++s.present;
  }
}

bool keyspace::erase(stripe& s, std::string_view key) {
  auto it = s.entries.find(key);
  if (it == s.entries.end() || !it->second.present) {
    return false;
  }
  --s.present;
  if (it->second.pins > 0) {
    // A watcher still needs to see that this key changed: keep a tombstone with a new version.
    auto& e = it->second;
    e.present = false;
    e.version = ++s.clock;
    std::string().swap(e.value);
  } else {
    s.entries.erase(it);
  }
  return true;
}

void keyspace::unpin(stripe& s, std::string_view key) {
  auto it = s.entries.find(key);
  if (it == s.entries.end() || it->second.pins == 0) {
    return;
  }
  if (--it->second.pins == 0 && !it->second.present) {
    s.entries.erase(it);
  }
}

op_result keyspace::execute(const operation& op) {
  if (op.what == operation::kind::clear) {
    clear_all();
    return op_result::ok();
  }
  if (op.what == operation::kind::count) {
    return op_result::of_integer(static_cast<std::int64_t>(count_all()));
  }
  if (op.what == operation::kind::set_if_none_exist) {
    return set_if_none_exist(op.pairs);
  }
  if (op.what == operation::kind::list) {
    return list(op);
  }
  return execute_single(op);
}

op_result keyspace::execute_single(const operation& op) {
  stripe& s = stripe_for(op.key);
  switch (op.what) {
    case operation::kind::get: {
      entry* e = find_present(s, op.key);
      return e ? op_result::of_value(e->value) : op_result::nil();
    }
    case operation::kind::exists:
      return op_result::of_integer(find_present(s, op.key) ? 1 : 0);
    case operation::kind::type:
      return op_result::of_value(find_present(s, op.key) ? "string" : "none");
    case operation::kind::length: {
      entry* e = find_present(s, op.key);
      return op_result::of_integer(e ? static_cast<std::int64_t>(e->value.size()) : 0);
    }
    case operation::kind::set: {
      auto it = s.entries.find(op.key);
      bool present = it != s.entries.end() && it->second.present;
      op_result answer = op_result::ok();
      if (op.return_previous) {
        answer = present ? op_result::of_value(it->second.value) : op_result::nil();
      }
      if ((op.when == operation::condition::if_missing && present) ||
          (op.when == operation::condition::if_present && !present)) {
        return op.return_previous ? answer : op_result::nil();
      }
      if (it == s.entries.end()) {
        it = s.entries.emplace(std::string(op.key), entry{}).first;
      }
      write(s, it->second, op.value);
      return answer;
    }
    case operation::kind::remove:
      return op_result::of_integer(erase(s, op.key) ? 1 : 0);
    case operation::kind::take: {
      entry* e = find_present(s, op.key);
      if (!e) {
        return op_result::nil();
      }
      op_result answer = op_result::of_value(std::move(e->value));
      erase(s, op.key);
      return answer;
    }
    case operation::kind::increment: {
      auto it = s.entries.find(op.key);
      std::int64_t current = 0;
      if (it != s.entries.end() && it->second.present) {
        auto parsed = counter::parse(it->second.value);
        if (!parsed) {
          return op_result::failed(std::string(kNotAnInteger));
        }
        current = *parsed;
      }
      auto sum = counter::add(current, op.delta);
      if (!sum) {
        return op_result::failed(std::string(kOverflow));
      }
      if (it == s.entries.end()) {
        it = s.entries.emplace(std::string(op.key), entry{}).first;
      }
      char digits[24];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, *sum);
      (void)ec;
      write(s, it->second, std::string_view(digits, end - digits));
      return op_result::of_integer(*sum);
    }
    case operation::kind::clear:
    case operation::kind::count:
    case operation::kind::set_if_none_exist:
    case operation::kind::list:
      break;  // handled by execute()
  }
  return op_result::failed("ERR unsupported operation");
}

op_result keyspace::set_if_none_exist(std::span<const std::string_view> pairs) {
  for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) {
    if (find_present(stripe_for(pairs[i]), pairs[i])) {
      return op_result::of_integer(0);
    }
  }
  for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) {
    stripe& s = stripe_for(pairs[i]);
    auto it = s.entries.find(pairs[i]);
    if (it == s.entries.end()) {
      it = s.entries.emplace(std::string(pairs[i]), entry{}).first;
    }
    write(s, it->second, pairs[i + 1]);
  }
  return op_result::of_integer(1);
}

void keyspace::clear_all() {
  for (std::size_t i = 0; i < stripe_count; ++i) {
    stripe& s = stripes_[i];
    for (auto it = s.entries.begin(); it != s.entries.end();) {
      entry& e = it->second;
      if (!e.present) {
        ++it;  // a pinned tombstone: FLUSHDB does not touch a key that does not exist
      } else if (e.pins > 0) {
        e.present = false;
        e.version = ++s.clock;
        std::string().swap(e.value);
        ++it;
      } else {
        it = s.entries.erase(it);
      }
    }
    s.present = 0;
  }
}

std::size_t keyspace::count_all() const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < stripe_count; ++i) {
    total += stripes_[i].present;
  }
  return total;
}

void keyspace::add_stripes(std::span<const operation> ops, stripe_set& set) const {
  for (const auto& op : ops) {
    if (is_whole_bucket(op)) {
      set.set();
      return;
    }
    if (op.what == operation::kind::set_if_none_exist) {
      for (std::size_t i = 0; i < op.pairs.size(); i += 2) {
        set.set(stripe_of(op.pairs[i]));
      }
      continue;
    }
    set.set(stripe_of(op.key));
  }
}

// Stripes are always locked in ascending order, so that two batches never deadlock.
void keyspace::lock(const stripe_set& set) {
  for (std::size_t i = 0; i < stripe_count; ++i) {
    if (set.test(i)) {
      stripes_[i].lock.lock();
    }
  }
}

void keyspace::unlock(const stripe_set& set) {
  for (std::size_t i = stripe_count; i-- > 0;) {
    if (set.test(i)) {
      stripes_[i].lock.unlock();
    }
  }
}

result<std::vector<op_result>> keyspace::apply(std::span<const operation> ops) {
  std::vector<op_result> results;
  results.reserve(ops.size());
  if (ops.size() == 1 && !is_multi_key(ops.front())) {
    std::lock_guard guard(stripe_for(ops.front().key).lock);
    results.push_back(execute_single(ops.front()));
    return results;
  }
  stripe_set held;
  add_stripes(ops, held);
  lock(held);
  for (const auto& op : ops) {
    results.push_back(execute(op));
  }
  unlock(held);
  return results;
}

result<std::unique_ptr<backend::transaction>> keyspace::begin() {
  return std::unique_ptr<backend::transaction>(
      std::make_unique<memory_transaction>(shared_from_this()));
}

namespace {

// A page stops at the end of a stripe once it holds this many keys; at least this many keys are
// taken from a stripe per page, so that tiny COUNTs still scan a large keyspace in linear time.
constexpr std::size_t kMinPageKeys = 256;

// A cursor this bucket gave ("" starts): the lowest key hash not yet listed.
bool parse_cursor(std::string_view text, std::uint64_t& from) {
  from = 0;
  if (text.empty()) {
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), from);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

// The cursor is the lowest key hash not yet listed. Stripes hold contiguous hash ranges, so
// walking stripes in order and each stripe in hash order lists keys in global hash order; a key
// present for the whole listing keeps its hash and so is listed exactly once.
backend::key_page keyspace::page_from(std::uint64_t from, std::size_t budget,
                                      std::optional<std::string_view> pattern, bool lock_stripes) {
  backend::key_page page;
  std::vector<std::pair<std::uint64_t, const std::string*>> candidates;
  for (std::size_t index = stripe_of(from); index < stripe_count; ++index) {
    stripe& s = stripes_[index];
    std::unique_lock guard(s.lock, std::defer_lock);
    if (lock_stripes) {
      guard.lock();
    }
    candidates.clear();
    for (const auto& [key, e] : s.entries) {
      std::uint64_t hash = key_hash(key);
      if (e.present && hash >= from) {
        candidates.emplace_back(hash, &key);
      }
    }
    std::size_t room = budget > page.keys.size() ? budget - page.keys.size() : 0;
    bool whole_stripe = candidates.size() <= room;
    if (!whole_stripe) {
      std::nth_element(candidates.begin(), candidates.begin() + (room - 1), candidates.end());
      std::uint64_t last = candidates[room - 1].first;
      // Keep every key sharing the boundary hash, so that the cursor never splits a hash.
      std::erase_if(candidates, [last](const auto& c) { return c.first > last; });
    }
    for (const auto& [hash, key] : candidates) {
      if (!pattern || glob_match(*pattern, *key)) {
        page.keys.push_back(*key);
      }
    }
    if (!whole_stripe) {
      std::uint64_t last = 0;
      for (const auto& c : candidates) {
        last = std::max(last, c.first);
      }
      if (last != std::numeric_limits<std::uint64_t>::max()) {
        page.cursor = std::to_string(last + 1);
      }
      return page;
    }
    if (page.keys.size() >= budget && index + 1 < stripe_count) {
      page.cursor = std::to_string(std::uint64_t(index + 1) << (64 - stripe_bits));
      return page;
    }
  }
  return page;
}

result<backend::key_page> keyspace::list_keys(std::optional<std::string_view> cursor,
                                              const backend::list_options& options) {
  std::uint64_t from = 0;
  if (!parse_cursor(cursor.value_or(std::string_view()), from)) {
    return failure(error::other("invalid cursor"));
  }
  std::optional<std::string_view> pattern;
  if (!options.match.empty()) {
    pattern = options.match;
  }
  return page_from(from, std::max(options.count_hint, kMinPageKeys), pattern, true);
}

// Inside a batch, with every stripe already held.
op_result keyspace::list(const operation& op) {
  std::uint64_t from = 0;
  if (!parse_cursor(op.key, from)) {
    return op_result::failed("ERR invalid cursor");
  }
  std::optional<std::string_view> pattern;
  if (op.value != "*") {
    pattern = op.value;
  }
  const std::size_t budget = op.delta <= 0
                                 ? std::numeric_limits<std::size_t>::max()
                                 : std::max(static_cast<std::size_t>(op.delta), kMinPageKeys);
  auto page = page_from(from, budget, pattern, false);
  if (!op.lists_strings()) {
    page.keys.clear();  // every key here is a string; the cursor still moves on
  }
  return op_result::of_keys(std::move(page.keys), page.cursor.value_or(std::string()));
}

namespace {

result<op_result> one(op_result r) {
  if (r.what == op_result::kind::error) {
    return failure(backend::to_error(r));
  }
  return r;
}

}  // namespace

result<std::optional<std::string>> keyspace::get(std::string_view key) {
  stripe& s = stripe_for(key);
  std::lock_guard guard(s.lock);
  entry* e = find_present(s, key);
  return e ? std::optional<std::string>(e->value) : std::nullopt;
}

result<void> keyspace::set(std::string_view key, std::string_view value) {
  stripe& s = stripe_for(key);
  std::lock_guard guard(s.lock);
  auto it = s.entries.find(key);
  if (it == s.entries.end()) {
    it = s.entries.emplace(std::string(key), entry{}).first;
  }
  write(s, it->second, value);
  return outcome::success();
}

result<bool> keyspace::remove(std::string_view key) {
  stripe& s = stripe_for(key);
  std::lock_guard guard(s.lock);
  return erase(s, key);
}

result<bool> keyspace::exists(std::string_view key) {
  stripe& s = stripe_for(key);
  std::lock_guard guard(s.lock);
  return find_present(s, key) != nullptr;
}

result<std::int64_t> keyspace::increment(std::string_view key, std::int64_t delta) {
  op_result r;
  {
    std::lock_guard guard(stripe_for(key).lock);
    r = execute_single(operation::increment(key, delta));
  }
  BOOST_OUTCOME_TRY(sum, one(std::move(r)));
  return sum.integer;
}

}  // namespace atomkv::memory
