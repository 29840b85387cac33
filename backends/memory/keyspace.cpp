#include "keyspace.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <random>
#include <thread>

#include "atomkv/bit_edits.hpp"
#include "atomkv/clock.hpp"
#include "atomkv/counter.hpp"
#include "atomkv/glob.hpp"
#include "atomkv/object_answer.hpp"
#include "atomkv/value_edit.hpp"
#include "memory_transaction.hpp"

namespace atomkv::memory {
namespace {

constexpr std::string_view kNotAnInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";

bool is_multi_key(const operation& op) {
  return op.spans_bucket() || op.what == operation::kind::set_if_none_exist ||
         op.what == operation::kind::bit_operation || op.what == operation::kind::rename ||
         op.what == operation::kind::copy;
}

}  // namespace

void keyspace::write(stripe& s, entry& e, std::string_view value) {
  e.value.assign(value);
  mark_written(s, e);
}

void keyspace::write(stripe& s, entry& e, std::string&& value) {
  e.value = std::move(value);
  mark_written(s, e);
}

void keyspace::mark_written(stripe& s, entry& e) {
  e.version = ++s.clock;
  if (!e.present) {
    e.present = true;
    ++s.present;
  }
}

void keyspace::remove_entry(stripe& s, entry& e, std::uint64_t hash) {
  --s.present;
  s.deadlines.remove(e);
  if (e.pins > 0) {
    // A watcher still needs to see that this key changed: keep a tombstone with a new version.
    e.present = false;
    e.version = ++s.clock;
    std::string().swap(e.value);
  } else {
    s.entries.erase(hash, &e);
  }
}

void keyspace::unpin(stripe& s, std::string_view key) {
  const std::uint64_t hash = key_hash(key);
  entry* e = s.entries.find(key, hash);
  if (e == nullptr || e->pins == 0) {
    return;
  }
  if (--e->pins == 0 && !e->present) {
    s.entries.erase(key, hash);
  }
}

op_result keyspace::execute(const operation& op, lazy_clock& now) {
  switch (op.what) {
    case operation::kind::clear:
      clear_all();
      return op_result::ok();
    // Counting reclaims a bounded number of due keys and leaves out the rest without freeing
    // them, so that a count right after a wave of expiries does not hold every stripe for long.
    case operation::kind::count:
      reclaim_some_due(now);
      return op_result::of_integer(static_cast<std::int64_t>(count_all() - count_due(now)));
    case operation::kind::count_expiring:
      reclaim_some_due(now);
      return op_result::of_integer(static_cast<std::int64_t>(count_expiring(now)));
    case operation::kind::average_ttl:
      reclaim_some_due(now);
      return op_result::of_integer(average_ttl(now));
    case operation::kind::expired_total:
      reclaim_some_due(now);
      return op_result::of_integer(
          static_cast<std::int64_t>(expired_->load(std::memory_order_relaxed)));
    case operation::kind::set_if_none_exist:
      return set_if_none_exist(op.pairs, now);
    case operation::kind::list:
      return list(op, now);
    case operation::kind::bit_operation:
      return bit_operation(op, now);
    case operation::kind::rename:
    case operation::kind::copy:
      return move_or_copy(op, now);
    case operation::kind::random_key:
      return random_key(now);
    case operation::kind::swap_databases:
      return op_result::failed("ERR SWAPDB is applied alone, not with other operations");
    default:
      return execute_single(op, key_hash(op.key), now);
  }
}

op_result keyspace::execute_single(const operation& op, std::uint64_t hash, lazy_clock& now) {
  stripe& s = stripe_at(hash);
  switch (op.what) {
    case operation::kind::get: {
      entry* e = find_live(s, op.key, hash, now);
      return e ? op_result::of_value(e->value) : op_result::nil();
    }
    case operation::kind::exists:
      return op_result::of_integer(find_live(s, op.key, hash, now) ? 1 : 0);
    case operation::kind::type:
      return op_result::of_value(find_live(s, op.key, hash, now) ? "string" : "none");
    case operation::kind::length: {
      entry* e = find_live(s, op.key, hash, now);
      return op_result::of_integer(e ? static_cast<std::int64_t>(e->value.size()) : 0);
    }
    case operation::kind::object: {
      entry* e = find_live(s, op.key, hash, now);
      return e ? object_answer(op.field, e->value) : op_result::nil();
    }
    case operation::kind::set: {
      entry* e = find_live(s, op.key, hash, now);
      op_result answer = op_result::ok();
      if (op.return_previous) {
        answer = e ? op_result::of_value(e->value) : op_result::nil();
      }
      if ((op.when == operation::condition::if_missing && e) ||
          (op.when == operation::condition::if_present && !e)) {
        return op.return_previous ? answer : op_result::nil();
      }
      std::int64_t deadline = 0;
      if (op.deadline.what == expiry::kind::keep) {
        deadline = e ? e->deadline : 0;
      } else if (op.deadline.has_deadline()) {
        deadline = op.deadline.deadline(now.ms());
      }
      entry& target = e ? *e : s.entries.find_or_add(op.key, hash);
      write(s, target, op.value);
      if (op.deadline.has_deadline() && deadline <= now.ms()) {
        // Redis 7.0 stores the key with its past deadline, and its next access expires it.
        expire_entry(s, target, hash);
      } else {
        set_deadline(s, target, hash, deadline);
      }
      return answer;
    }
    case operation::kind::remove: {
      entry* e = find_live(s, op.key, hash, now);
      if (!e) {
        return op_result::of_integer(0);
      }
      remove_entry(s, *e, hash);
      return op_result::of_integer(1);
    }
    case operation::kind::take: {
      entry* e = find_live(s, op.key, hash, now);
      if (!e) {
        return op_result::nil();
      }
      op_result answer = op_result::of_value(std::move(e->value));
      remove_entry(s, *e, hash);
      return answer;
    }
    case operation::kind::expire:
      return expire(s, op, hash, now);
    case operation::kind::persist: {
      entry* e = find_live(s, op.key, hash, now);
      if (!e || e->deadline == 0) {
        return op_result::of_integer(0);
      }
      set_deadline(s, *e, hash, 0);
      e->version = ++s.clock;
      return op_result::of_integer(1);
    }
    case operation::kind::time_left: {
      entry* e = find_live(s, op.key, hash, now);
      return op_result::of_integer(!e ? -2 : e->deadline == 0 ? -1 : e->deadline - now.ms());
    }
    case operation::kind::deadline: {
      entry* e = find_live(s, op.key, hash, now);
      return op_result::of_integer(!e ? -2 : e->deadline == 0 ? -1 : e->deadline);
    }
    case operation::kind::get_and_expire:
      return get_and_expire(s, op, hash, now);
    case operation::kind::increment: {
      entry* e = find_live(s, op.key, hash, now);
      std::int64_t current = 0;
      if (e) {
        auto parsed = counter::parse(e->value);
        if (!parsed) {
          return op_result::failed(std::string(kNotAnInteger));
        }
        current = *parsed;
      }
      auto sum = counter::add(current, op.delta);
      if (!sum) {
        return op_result::failed(std::string(kOverflow));
      }
      char digits[24];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, *sum);
      (void)ec;
      // The deadline stays: INCRBY keeps a key's TTL.
      write(s, e ? *e : s.entries.find_or_add(op.key, hash),
            std::string_view(digits, end - digits));
      return op_result::of_integer(*sum);
    }
    case operation::kind::append:
    case operation::kind::get_range:
    case operation::kind::set_range:
    case operation::kind::increment_float:
    case operation::kind::set_bit:
    case operation::kind::get_bit:
    case operation::kind::bit_count:
    case operation::kind::bit_position:
    case operation::kind::bitfield:
      return edit(s, op, hash, now);
    case operation::kind::clear:
    case operation::kind::count:
    case operation::kind::set_if_none_exist:
    case operation::kind::list:
    case operation::kind::bit_operation:
    case operation::kind::rename:
    case operation::kind::copy:
    case operation::kind::random_key:
    case operation::kind::swap_databases:
    case operation::kind::count_expiring:
    case operation::kind::average_ttl:
    case operation::kind::expired_total:
      break;  // handled by execute()
  }
  return op_result::failed("ERR unsupported operation");
}

// A string edit in place, under the stripe's lock: one read-modify-write, like increment. The
// deadline stays, and the version moves only when the edit stores (Redis signals the key).
op_result keyspace::edit(stripe& s, const operation& op, std::uint64_t hash, lazy_clock& now) {
  entry* e = find_live(s, op.key, hash, now);
  if (e) {
    bool exists = true;
    edit_outcome done = edit_value(op, e->value, exists);
    if (done.store) {
      e->version = ++s.clock;
    }
    return std::move(done.answer);
  }
  std::string created;
  bool exists = false;
  edit_outcome done = edit_value(op, created, exists);
  if (exists) {
    write(s, s.entries.find_or_add(op.key, hash), created);
  }
  return std::move(done.answer);
}

// BITOP, with the stripes of the destination and every source held: the destination is written
// as SET writes it (no deadline), or removed when every source is empty.
op_result keyspace::bit_operation(const operation& op, lazy_clock& now) {
  std::vector<std::optional<std::string>> sources;
  sources.reserve(op.arguments.size());
  for (std::string_view key : op.arguments) {
    const std::uint64_t hash = key_hash(key);
    entry* e = find_live(stripe_at(hash), key, hash, now);
    sources.push_back(e ? std::optional<std::string>(e->value) : std::nullopt);
  }
  const std::string result = bit_edits::combine(static_cast<bitop>(op.delta), sources);
  const std::uint64_t hash = key_hash(op.key);
  stripe& s = stripe_at(hash);
  entry* target = find_live(s, op.key, hash, now);
  if (!result.empty()) {
    entry& e = target ? *target : s.entries.find_or_add(op.key, hash);
    write(s, e, result);
    set_deadline(s, e, hash, 0);
  } else if (target) {
    remove_entry(s, *target, hash);
  }
  return op_result::of_integer(static_cast<std::int64_t>(result.size()));
}

// RENAME, RENAMENX and COPY, with the stripes of both keys held, in the order of Redis's
// renameGenericCommand and copyCommand: the source is looked up first (a key past its deadline is
// reclaimed there), then the destination. The destination takes the value and the deadline.
op_result keyspace::move_or_copy(const operation& op, lazy_clock& now) {
  const bool renames = op.what == operation::kind::rename;
  const bool only_if_missing = op.when == operation::condition::if_missing;
  const std::uint64_t from_hash = key_hash(op.key);
  stripe& from_stripe = stripe_at(from_hash);
  entry* from = find_live(from_stripe, op.key, from_hash, now);
  if (!from) {
    return renames ? op_result::failed("ERR no such key") : op_result::of_integer(0);
  }
  if (op.copies_across_databases()) {
    if (auto copied = copy_across(op, *from, now)) {
      if (op.removes_source && *copied == op_result::of_integer(1)) {
        remove_entry(from_stripe, *from, from_hash);  // MOVE: Redis's dbDelete of the source
      }
      return *copied;
    }
    // The other database is this very bucket (opened by that database's name): a copy within it.
  }
  if (op.removes_source) {
    return op_result::failed("ERR source and destination objects are the same");
  }
  if (renames && op.key == op.value) {
    // Redis changes nothing then, and signals no key: no write for a watch either.
    return only_if_missing ? op_result::of_integer(0) : op_result::ok();
  }
  const std::uint64_t to_hash = key_hash(op.value);
  stripe& to_stripe = stripe_at(to_hash);
  entry* to = find_live(to_stripe, op.value, to_hash, now);
  if (to && only_if_missing) {
    return op_result::of_integer(0);
  }
  const std::int64_t deadline = from->deadline;
  std::string value = renames ? std::move(from->value) : from->value;
  if (renames) {
    remove_entry(from_stripe, *from, from_hash);
  }
  entry& target = to ? *to : to_stripe.entries.find_or_add(op.value, to_hash);
  // RENAME hands over the bytes (Redis moves a pointer); COPY's copy was made above, once.
  write(to_stripe, target, std::move(value));
  set_deadline(to_stripe, target, to_hash, deadline);
  if (!renames) {
    return op_result::of_integer(1);
  }
  return only_if_missing ? op_result::of_integer(1) : op_result::ok();
}

std::optional<op_result> keyspace::copy_across(const operation& op, entry& from, lazy_clock& now) {
  auto registry = registry_.lock();
  if (!registry) {
    return op_result::failed("ERR COPY to another database needs its store");
  }
  const std::string name = op.offset == 0 ? std::string() : std::to_string(op.offset);
  auto there = open_in(registry, name, expired_);
  if (there.get() == this) {
    return std::nullopt;  // its stripes are held already: locking one again would deadlock
  }
  const std::uint64_t hash = key_hash(op.value);
  stripe& s = there->stripe_at(hash);
  // Another bucket's stripe, while this bucket's stripes are held. The `across` lock (held by the
  // caller) admits one such step at a time, and no other holder of that stripe waits for anything,
  // so the stripe is always released soon. try_lock states that: it orders no lock after ours,
  // which a blocking lock would, in the lock-order graph ThreadSanitizer checks.
  std::unique_lock guard(s.lock, std::try_to_lock);
  while (!guard.owns_lock()) {
    std::this_thread::yield();
    guard.try_lock();
  }
  entry* to = there->find_live(s, op.value, hash, now);
  if (to && op.when == operation::condition::if_missing) {
    return op_result::of_integer(0);
  }
  entry& target = to ? *to : s.entries.find_or_add(op.value, hash);
  if (op.removes_source) {
    write(s, target, std::move(from.value));  // MOVE: the caller removes the emptied source
  } else {
    write(s, target, from.value);
  }
  set_deadline(s, target, hash, from.deadline);
  return op_result::of_integer(1);
}

std::shared_ptr<keyspace> keyspace::open_in(const std::shared_ptr<keyspace_registry>& registry,
                                            std::string_view name,
                                            const std::shared_ptr<expired_counter>& expired) {
  std::lock_guard guard(registry->lock);
  auto& slot = registry->buckets[std::string(name)];
  if (!slot) {
    slot = std::make_shared<keyspace>(expired, registry);
  }
  return slot;
}

std::unique_lock<std::mutex> keyspace::hold_across(std::span<const operation> ops) {
  for (const auto& op : ops) {
    if (op.copies_across_databases()) {
      if (auto registry = registry_.lock()) {
        return std::unique_lock<std::mutex>(registry->across);
      }
    }
  }
  return {};
}

// RANDOMKEY, with every stripe held: a stripe drawn in proportion to its keys, then the keys of
// one table bucket from a random cursor on (tables stay at least one eighth full, so few buckets
// are visited), one of them drawn. Keys past their deadline are passed over, as Redis's
// dbRandomKey passes over (and reclaims) them.
op_result keyspace::random_key(lazy_clock& now) {
  thread_local std::mt19937_64 draw{std::random_device{}()};
  const std::size_t total = count_all();
  if (total == 0) {
    return op_result::nil();
  }
  std::size_t pick = std::uniform_int_distribution<std::size_t>(0, total - 1)(draw);
  std::size_t first = 0;
  while (pick >= stripes_[first].present) {
    pick -= stripes_[first].present;
    ++first;
  }
  std::vector<std::string_view> candidates;
  auto visit = [&](std::string_view key, const entry& e) {
    if (e.present && (e.deadline == 0 || e.deadline > now.ms())) {
      candidates.push_back(key);
    }
  };
  for (std::size_t n = 0; n < stripe_count; ++n) {
    const stripe& s = stripes_[(first + n) % stripe_count];
    if (s.present == 0) {
      continue;
    }
    // From a random bucket round the whole table, until a bucket holds a live key.
    const std::uint64_t start = draw() & key_table<entry>::cursor_space;
    std::uint64_t cursor = start;
    do {
      cursor = s.entries.scan(cursor, visit);
      if (!candidates.empty()) {
        const std::size_t at =
            std::uniform_int_distribution<std::size_t>(0, candidates.size() - 1)(draw);
        return op_result::of_value(std::string(candidates[at]));
      }
    } while (cursor != 0);
    // Wrapped past the end: the buckets before the start are still to visit.
    for (cursor = 0; (cursor = s.entries.scan(cursor, visit)) != 0 && candidates.empty();) {
    }
    if (!candidates.empty()) {
      return op_result::of_value(std::string(candidates.front()));
    }
  }
  return op_result::nil();  // every key is past its deadline
}

op_result keyspace::set_if_none_exist(std::span<const std::string_view> pairs, lazy_clock& now) {
  for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) {
    const std::uint64_t hash = key_hash(pairs[i]);
    if (find_live(stripe_at(hash), pairs[i], hash, now)) {
      return op_result::of_integer(0);
    }
  }
  for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) {
    const std::uint64_t hash = key_hash(pairs[i]);
    stripe& s = stripe_at(hash);
    write(s, s.entries.find_or_add(pairs[i], hash), pairs[i + 1]);
  }
  return op_result::of_integer(1);
}

void keyspace::empty_stripe(stripe& s, std::vector<moving_entry>* taken) {
  s.deadlines.clear();  // every entry it indexes goes, or stays only as a tombstone
  s.entries.erase_if([&s, taken](std::string_view key, entry& e) {
    if (!e.present) {
      return false;  // a pinned tombstone: FLUSHDB does not touch a key that does not exist
    }
    if (taken != nullptr) {
      taken->push_back({std::string(key), std::move(e.value), e.deadline});
    }
    if (e.pins == 0) {
      return true;
    }
    e.present = false;
    e.version = ++s.clock;
    e.deadline = 0;
    e.index_slot = not_indexed;
    std::string().swap(e.value);
    return false;
  });
  s.present = 0;
}

void keyspace::clear_all() {
  for (std::size_t i = 0; i < stripe_count; ++i) {
    empty_stripe(stripes_[i], nullptr);
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
    if (op.spans_bucket()) {
      set.set();
      return;
    }
    if (op.what == operation::kind::set_if_none_exist) {
      for (std::size_t i = 0; i < op.pairs.size(); i += 2) {
        set.set(stripe_of(op.pairs[i]));
      }
      continue;
    }
    if (op.what == operation::kind::bit_operation) {
      for (std::string_view source : op.arguments) {
        set.set(stripe_of(source));
      }
    }
    if (op.what == operation::kind::rename || op.what == operation::kind::copy) {
      set.set(stripe_of(op.value));  // the destination
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
  lazy_clock now;
  if (ops.size() == 1 && ops.front().what == operation::kind::swap_databases) {
    results.push_back(swap_databases(ops.front()));
    return results;
  }
  if (ops.size() == 1 && !is_multi_key(ops.front())) {
    const std::uint64_t hash = key_hash(ops.front().key);
    std::lock_guard guard(stripe_at(hash).lock);
    results.push_back(execute_single(ops.front(), hash, now));
    return results;
  }
  stripe_set held;
  add_stripes(ops, held);
  auto across = hold_across(ops);
  lock(held);
  for (const auto& op : ops) {
    results.push_back(execute(op, now));
  }
  unlock(held);
  return results;
}

result<std::unique_ptr<backend::transaction>> keyspace::begin() {
  return std::unique_ptr<backend::transaction>(
      std::make_unique<memory_transaction>(shared_from_this()));
}

namespace {

// A page ends after this many buckets per key of its budget, so that a stretch of empty buckets
// (tables stay at least one eighth full) never makes a page long; Redis's SCAN stops after ten
// buckets per key of its COUNT.
constexpr std::size_t kBucketsPerKey = 16;

// A cursor this bucket gave ("" starts), or any other unsigned 64-bit decimal.
bool parse_cursor(std::string_view text, std::uint64_t& cursor) {
  cursor = 0;
  if (text.empty()) {
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), cursor);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

// Stripes in order, each stripe's table from its own cursor (key_table::scan): a key present for
// the whole listing is listed at least once, however the tables grow or shrink between pages.
backend::key_page keyspace::page_from(std::uint64_t cursor, std::size_t budget,
                                      std::optional<std::string_view> pattern, bool lock_stripes,
                                      lazy_clock& now) {
  backend::key_page page;
  std::size_t index = cursor >> cursor_stripe_shift;
  std::uint64_t within = cursor & key_table<entry>::cursor_space;
  std::size_t seen = 0;
  std::size_t buckets_left = budget > std::numeric_limits<std::size_t>::max() / kBucketsPerKey
                                 ? std::numeric_limits<std::size_t>::max()
                                 : budget * kBucketsPerKey;
  auto visit = [&](std::string_view key, const entry& e) {
    if (!e.present || (e.deadline != 0 && e.deadline <= now.ms())) {
      return;  // expired keys are skipped; the expiry thread or a later touch reclaims them
    }
    ++seen;
    if (!pattern || glob_match(*pattern, key)) {
      page.keys.emplace_back(key);
    }
  };
  while (index < stripe_count) {
    stripe& s = stripes_[index];
    {
      std::unique_lock guard(s.lock, std::defer_lock);
      if (lock_stripes) {
        guard.lock();
      }
      if (s.deadlines.earliest() <= now.ms()) {
        reclaim_due(s, now.ms(), kReclaimPerStripe);
      }
      do {
        within = s.entries.scan(within, visit);
      } while (within != 0 && seen < budget && --buckets_left > 0);
    }
    if (within == 0) {
      ++index;
    }
    if (seen >= budget || buckets_left == 0) {
      break;
    }
  }
  if (index < stripe_count) {
    page.cursor = std::to_string((std::uint64_t{index} << cursor_stripe_shift) | within);
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
  lazy_clock now;
  return page_from(from, std::max<std::size_t>(options.count_hint, 1), pattern, true, now);
}

// Inside a batch, with every stripe already held.
op_result keyspace::list(const operation& op, lazy_clock& now) {
  std::uint64_t from = 0;
  if (!parse_cursor(op.key, from)) {
    return op_result::failed("ERR invalid cursor");
  }
  std::optional<std::string_view> pattern;
  if (op.value != "*") {
    pattern = op.value;
  }
  const std::size_t budget =
      op.delta <= 0 ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(op.delta);
  auto page = page_from(from, budget, pattern, false, now);
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
  lazy_clock now;
  const std::uint64_t hash = key_hash(key);
  stripe& s = stripe_at(hash);
  std::lock_guard guard(s.lock);
  entry* e = find_live(s, key, hash, now);
  return e ? std::optional<std::string>(e->value) : std::nullopt;
}

result<void> keyspace::set(std::string_view key, std::string_view value) {
  lazy_clock now;
  const std::uint64_t hash = key_hash(key);
  stripe& s = stripe_at(hash);
  std::lock_guard guard(s.lock);
  entry* e = find_live(s, key, hash, now);
  entry& target = e ? *e : s.entries.find_or_add(key, hash);
  write(s, target, value);
  set_deadline(s, target, hash, 0);  // SET clears the deadline
  return outcome::success();
}

result<bool> keyspace::remove(std::string_view key) {
  lazy_clock now;
  const std::uint64_t hash = key_hash(key);
  stripe& s = stripe_at(hash);
  std::lock_guard guard(s.lock);
  entry* e = find_live(s, key, hash, now);
  if (!e) {
    return false;
  }
  remove_entry(s, *e, hash);
  return true;
}

result<bool> keyspace::exists(std::string_view key) {
  lazy_clock now;
  const std::uint64_t hash = key_hash(key);
  stripe& s = stripe_at(hash);
  std::lock_guard guard(s.lock);
  return find_live(s, key, hash, now) != nullptr;
}

result<std::int64_t> keyspace::increment(std::string_view key, std::int64_t delta) {
  lazy_clock now;
  const std::uint64_t hash = key_hash(key);
  op_result r;
  {
    std::lock_guard guard(stripe_at(hash).lock);
    r = execute_single(operation::increment(key, delta), hash, now);
  }
  BOOST_OUTCOME_TRY(sum, one(std::move(r)));
  return sum.integer;
}

}  // namespace atomkv::memory
