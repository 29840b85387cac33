// The expiry half of the memory keyspace: deadlines, lazy and active reclaiming, the EXPIRE and
// GETEX operations, and the expiry counts of INFO.

#include <limits>
#include <mutex>
#include <optional>

#include "keyspace.hpp"

namespace atomkv::memory {

keyspace::entry* keyspace::find_live(stripe& s, std::string_view key, std::uint64_t hash,
                                     lazy_clock& now) {
  entry* e = s.entries.find(key, hash);
  if (e == nullptr || !e->present) {
    return nullptr;
  }
  if (e->deadline != 0 && e->deadline <= now.ms()) {
    expire_entry(s, *e, hash);
    return nullptr;
  }
  return e;
}

void keyspace::set_deadline(stripe& s, entry& e, std::uint64_t hash, std::int64_t deadline) {
  if (deadline == 0) {
    s.deadlines.remove(e);
  } else {
    s.deadlines.place(e, hash, deadline);
  }
}

void keyspace::expire_entry(stripe& s, entry& e, std::uint64_t hash) {
  remove_entry(s, e, hash);
  expired_->fetch_add(1, std::memory_order_relaxed);
}

std::size_t keyspace::reclaim_due(stripe& s, std::int64_t now, std::size_t limit) {
  std::size_t reclaimed = 0;
  while (reclaimed < limit && !s.deadlines.empty() && s.deadlines.front().deadline <= now) {
    const auto due = s.deadlines.front();  // a copy: removing the entry reorders the index
    remove_entry(s, *due.owner, due.hash);
    ++reclaimed;
  }
  if (reclaimed > 0) {
    expired_->fetch_add(reclaimed, std::memory_order_relaxed);
  }
  return reclaimed;
}

void keyspace::reclaim_some_due(lazy_clock& now) {
  for (std::size_t i = 0; i < stripe_count; ++i) {
    if (stripes_[i].deadlines.earliest() <= now.ms()) {
      reclaim_due(stripes_[i], now.ms(), kReclaimPerStripe);
    }
  }
}

std::size_t keyspace::count_due(lazy_clock& now) const {
  std::size_t due = 0;
  for (std::size_t i = 0; i < stripe_count; ++i) {
    if (stripes_[i].deadlines.earliest() <= now.ms()) {
      due += stripes_[i].deadlines.due(now.ms()).count;
    }
  }
  return due;
}

std::optional<std::size_t> keyspace::expire_due(std::size_t index, std::int64_t now,
                                                std::size_t limit) {
  stripe& s = stripes_[index];
  if (s.deadlines.earliest() > now) {
    return 0;  // nothing due: no need to lock
  }
  std::unique_lock guard(s.lock, std::try_to_lock);
  if (!guard.owns_lock()) {
    return std::nullopt;
  }
  return reclaim_due(s, now, limit);
}

// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX | XX | GT | LT, checked as Redis 7.0's
// expireGenericCommand checks them: a key with no deadline counts as -1 for NX and XX and as an
// infinitely late one for GT and LT.
op_result keyspace::expire(stripe& s, const operation& op, std::uint64_t hash, lazy_clock& now) {
  if (!op.deadline.has_deadline()) {
    return op_result::failed("ERR expire needs a deadline");
  }
  entry* e = find_live(s, op.key, hash, now);
  if (!e) {
    return op_result::of_integer(0);
  }
  const std::int64_t when = op.deadline.deadline(now.ms());
  const std::int64_t current = e->deadline == 0 ? -1 : e->deadline;
  const std::uint8_t flags = op.expire_flags;
  if (((flags & expire_if_none) && current != -1) || ((flags & expire_if_some) && current == -1) ||
      ((flags & expire_if_later) && (when <= current || current == -1)) ||
      ((flags & expire_if_earlier) && current != -1 && when >= current)) {
    return op_result::of_integer(0);
  }
  if (when <= now.ms()) {
    remove_entry(s, *e, hash);  // a DEL in Redis: not counted as expired
  } else {
    set_deadline(s, *e, hash, when);
    e->version = ++s.clock;
  }
  return op_result::of_integer(1);
}

// GETEX: the value first; then keep changes nothing, none removes a deadline (a write only if
// there was one), after/at set it (always a write), and a deadline at or before now deletes.
op_result keyspace::get_and_expire(stripe& s, const operation& op, std::uint64_t hash,
                                   lazy_clock& now) {
  entry* e = find_live(s, op.key, hash, now);
  if (!e) {
    return op_result::nil();
  }
  op_result answer = op_result::of_value(e->value);
  switch (op.deadline.what) {
    case expiry::kind::keep:
      break;
    case expiry::kind::none:
      if (e->deadline != 0) {
        set_deadline(s, *e, hash, 0);
        e->version = ++s.clock;
      }
      break;
    case expiry::kind::after:
    case expiry::kind::at: {
      const std::int64_t when = op.deadline.deadline(now.ms());
      if (when <= now.ms()) {
        remove_entry(s, *e, hash);  // a DEL in Redis: not counted as expired
      } else {
        set_deadline(s, *e, hash, when);
        e->version = ++s.clock;
      }
      break;
    }
  }
  return answer;
}

std::size_t keyspace::count_expiring(lazy_clock& now) const {
  std::size_t total = 0;
  for (std::size_t i = 0; i < stripe_count; ++i) {
    total += stripes_[i].deadlines.size();
  }
  return total - count_due(now);
}

// The exact mean of the time left, from each stripe's sum of deadlines (Redis estimates it by
// sampling; both answer 0 when no key has a deadline).
std::int64_t keyspace::average_ttl(lazy_clock& now) const {
  deadline_total sum = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < stripe_count; ++i) {
    const auto& deadlines = stripes_[i].deadlines;
    // Keys already due are gone, though not yet reclaimed: they are left out.
    const auto due = deadlines.earliest() <= now.ms() ? deadlines.due(now.ms())
                                                      : expiry_index<entry>::due_part{};
    sum += deadlines.deadline_sum() - due.sum;
    count += deadlines.size() - due.count;
  }
  if (count == 0) {
    return 0;
  }
  return static_cast<std::int64_t>(sum / static_cast<deadline_total>(count) - now.ms());
}

}  // namespace atomkv::memory
