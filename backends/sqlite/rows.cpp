#include "rows.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <random>

#include "atomkv/bit_edits.hpp"
#include "atomkv/counter.hpp"
#include "atomkv/glob.hpp"
#include "atomkv/object_answer.hpp"
#include "atomkv/value_edit.hpp"
#include "row_id.hpp"
#include "schema.hpp"

namespace atomkv::sqlite {
namespace {

constexpr std::string_view kNotAnInteger = "ERR value is not an integer or out of range";
constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";

}  // namespace

result<write_clock> read_clock(connection& c) {
  BOOST_OUTCOME_TRY(q, c.prepare(sql::read_clock));
  if (q.step() != SQLITE_ROW) {
    return failure(c.failed("reading the clock"));
  }
  return write_clock{q.integer(0), q.integer(1), q.integer(2)};
}

result<std::optional<row>> rows::find_in_file(std::string_view key, bool with_value) {
  if (const key_image* logged = c_.overlay().find(bucket_, key)) {
    row found{logged->present, logged->version, logged->deadline, {}};
    if (with_value && found.present) {
      found.value = logged->value;
    }
    return std::optional<row>(std::move(found));
  }
  BOOST_OUTCOME_TRY(q, c_.prepare(with_value ? sql::find_value : sql::find));
  q.bind_bytes(1, bucket_).bind_bytes(2, key);
  int code = q.step();
  if (code == SQLITE_DONE) {
    return std::optional<row>();
  }
  if (code != SQLITE_ROW) {
    return failure(c_.failed("reading a key"));
  }
  row found{q.integer(0) != 0, q.integer(1), q.optional_integer(2), {}};
  if (with_value && found.present) {
    found.value = q.bytes(3);
  }
  return std::optional<row>(std::move(found));
}

result<std::optional<row>> rows::find(std::string_view key, bool with_value) {
  std::optional<row> found;
  if (pending_ == nullptr) {
    BOOST_OUTCOME_TRY(in_file, find_in_file(key, with_value));
    found = std::move(in_file);
  } else if (const auto* e = pending_->find(bucket_, key)) {
    if (!e->has_row) {
      return std::optional<row>();
    }
    found = row{e->present, e->version, e->deadline, {}};
    if (with_value && e->present) {
      found->value = e->value;
    }
  } else {
    // With the value: a later read or increment of the key in this group finds it here.
    BOOST_OUTCOME_TRY(in_file, find_in_file(key, true));
    pending_rows::entry clean;
    if (in_file) {
      clean.has_row = true;
      clean.present = in_file->present;
      clean.version = in_file->version;
      clean.deadline = in_file->deadline;
      if (with_value) {
        clean.value = in_file->value;
      } else {
        clean.value = std::move(in_file->value);
        in_file->value.clear();
      }
    }
    pending_->remember(bucket_, key, std::move(clean));
    found = std::move(in_file);
  }
  if (found && found->present && found->deadline && *found->deadline <= now_) {
    // Past its deadline: missing. The tombstone keeps the version (see schema.hpp).
    if (pending_ != nullptr && clock_ != nullptr) {
      pending_->write(bucket_, key, std::nullopt, found->version);
      ++clock_->expired;
    }
    found->present = false;
    found->deadline.reset();
    found->value.clear();
  }
  return found;
}

// Only the writer writes, and its writes wait in the group's pending rows until its log row.
result<void> rows::write(std::string_view key, std::string_view value, write_clock& clock,
                         std::optional<std::int64_t> deadline) {
  if (pending_ == nullptr) {
    return failure(error::other("sqlite: a write outside the writer's group"));
  }
  // SQLite's own limit would fail the whole group's log row; fail this request alone instead.
  const auto limit = static_cast<std::size_t>(sqlite3_limit(c_.handle(), SQLITE_LIMIT_LENGTH, -1));
  const key_image image{true, 0, deadline, {}};
  const std::size_t framing = image_size(bucket_, image) + row_id_length_bytes;
  if (value.size() >= limit || key.size() >= limit - value.size() ||
      framing >= limit - value.size() - key.size()) {
    return failure(error::other("sqlite: writing a key: string or blob too big"));
  }
  pending_->write(bucket_, key, value, clock.next(), deadline);
  return outcome::success();
}

result<void> rows::bury(std::string_view key, write_clock& clock) {
  if (pending_ == nullptr) {
    return failure(error::other("sqlite: a write outside the writer's group"));
  }
  pending_->write(bucket_, key, std::nullopt, clock.next());
  return outcome::success();
}

result<void> rows::flush_pending() {
  if (pending_ == nullptr) {
    if (!c_.overlay().empty()) {
      // Callers send such reads to the writer (reads_many_rows); this is the guard.
      return failure(error::other("sqlite: a read over many rows while the log is not merged"));
    }
    return outcome::success();
  }
  return merge_into_table(c_, *pending_);
}

result<void> merge_into_table(connection& c, pending_rows& pending) {
  BOOST_OUTCOME_TRY(c.overlay().merge(c));
  return pending.flush(c);
}

bool reads_many_rows(const operation& op) {
  switch (op.what) {
    case operation::kind::count:
    case operation::kind::list:
    case operation::kind::random_key:
    case operation::kind::count_expiring:
    case operation::kind::average_ttl:
      return true;
    default:
      return false;
  }
}

result<op_result> rows::set(const operation& op, write_clock& clock) {
  const bool keeps_deadline = op.deadline.what == expiry::kind::keep;
  std::optional<row> existing;
  if (op.when != operation::condition::always || op.return_previous || keeps_deadline) {
    BOOST_OUTCOME_TRY(found, find(op.key, op.return_previous));
    existing = std::move(found);
  }  // else nothing to read first
  bool present = existing && existing->present;
  op_result answer = op_result::ok();
  if (op.return_previous) {
    answer = present ? op_result::of_value(std::move(existing->value)) : op_result::nil();
  }
  if ((op.when == operation::condition::if_missing && present) ||
      (op.when == operation::condition::if_present && !present)) {
    return op.return_previous ? answer : op_result::nil();
  }
  std::optional<std::int64_t> deadline;
  if (keeps_deadline && present) {
    deadline = existing->deadline;
  } else if (op.deadline.has_deadline()) {
    deadline = op.deadline.deadline(now_);
    if (*deadline <= now_) {
      // Set, and gone at once: Redis sets it with its deadline and then expires it, so it counts
      // as an expired key (EXPIRE and GETEX into the past delete instead, uncounted).
      BOOST_OUTCOME_TRY(bury(op.key, clock));
      ++clock.expired;
      return answer;
    }
  }
  BOOST_OUTCOME_TRY(write(op.key, op.value, clock, deadline));
  return answer;
}

// EXPIRE ... NX | XX | GT | LT, as Redis 7.0's expireGenericCommand: a key with no deadline
// counts as one infinitely far away.
result<op_result> rows::expire(const operation& op, write_clock& clock) {
  if (!op.deadline.has_deadline()) {
    return op_result::failed("ERR expire needs a deadline");
  }
  BOOST_OUTCOME_TRY(found, find(op.key, true));
  if (!found || !found->present) {
    return op_result::of_integer(0);
  }
  const std::int64_t when = op.deadline.deadline(now_);
  const std::optional<std::int64_t> current = found->deadline;
  if ((op.expire_flags & expire_if_none) && current) {
    return op_result::of_integer(0);
  }
  if ((op.expire_flags & expire_if_some) && !current) {
    return op_result::of_integer(0);
  }
  if ((op.expire_flags & expire_if_later) && (!current || when <= *current)) {
    return op_result::of_integer(0);
  }
  if ((op.expire_flags & expire_if_earlier) && current && when >= *current) {
    return op_result::of_integer(0);
  }
  if (when <= now_) {
    BOOST_OUTCOME_TRY(bury(op.key, clock));
  } else {
    BOOST_OUTCOME_TRY(write(op.key, found->value, clock, when));
  }
  return op_result::of_integer(1);
}

result<op_result> rows::persist(const operation& op, write_clock& clock) {
  BOOST_OUTCOME_TRY(found, find(op.key, true));
  if (!found || !found->present || !found->deadline) {
    return op_result::of_integer(0);
  }
  BOOST_OUTCOME_TRY(write(op.key, found->value, clock));
  return op_result::of_integer(1);
}

// GETEX: the value as it was; then keep, remove or set the deadline.
result<op_result> rows::get_and_expire(const operation& op, write_clock& clock) {
  BOOST_OUTCOME_TRY(found, find(op.key, true));
  if (!found || !found->present) {
    return op_result::nil();
  }
  switch (op.deadline.what) {
    case expiry::kind::keep:
      break;
    case expiry::kind::none:
      if (found->deadline) {
        BOOST_OUTCOME_TRY(write(op.key, found->value, clock));
      }
      break;
    case expiry::kind::after:
    case expiry::kind::at: {
      const std::int64_t when = op.deadline.deadline(now_);
      if (when <= now_) {
        BOOST_OUTCOME_TRY(bury(op.key, clock));
      } else {
        BOOST_OUTCOME_TRY(write(op.key, found->value, clock, when));
      }
      break;
    }
  }
  return op_result::of_value(std::move(found->value));
}

result<op_result> rows::count_expiring(bool average) {
  BOOST_OUTCOME_TRY(flush_pending());
  BOOST_OUTCOME_TRY(q, c_.prepare(sql::count_expiring));
  q.bind_bytes(1, bucket_).bind(2, now_);
  if (q.step() != SQLITE_ROW) {
    return failure(c_.failed("counting deadlines"));
  }
  const std::int64_t keys = q.integer(0);
  if (!average) {
    return op_result::of_integer(keys);
  }
  return op_result::of_integer(
      keys == 0 ? 0 : static_cast<std::int64_t>(q.real(1) / static_cast<double>(keys)));
}

result<void> rows::expire_bucket(std::string_view bucket, write_clock& clock) {
  BOOST_OUTCOME_TRY(q, c_.prepare(sql::expire_bucket));
  q.bind_bytes(1, bucket).bind(2, now_);
  if (q.step() != SQLITE_DONE) {
    return failure(c_.failed("expiring a bucket"));
  }
  clock.expired += sqlite3_changes(c_.handle());
  return outcome::success();
}

result<op_result> rows::clear(write_clock& clock) {
  BOOST_OUTCOME_TRY(flush_pending());
  // Keys already past their deadline are expired, not cleared: their versions stay.
  BOOST_OUTCOME_TRY(expire_bucket(bucket_, clock));
  // One version for every row: each is newer than any watch of it.
  BOOST_OUTCOME_TRY(q, c_.prepare(sql::bury_bucket));
  q.bind_bytes(1, bucket_).bind(2, now_).bind(3, clock.next());
  if (q.step() != SQLITE_DONE) {
    return failure(c_.failed("clearing a bucket"));
  }
  if (pending_ != nullptr) {
    pending_->forget_bucket(bucket_);  // the file has the tombstones now
  }
  return op_result::ok();
}

// SWAPDB: every live row of the two buckets moves to the other with one new version, newer than
// any watch, and leaves a tombstone of that version; a key live in neither keeps its rows, so
// its watches hold, as in Redis.
result<op_result> rows::swap_databases(const operation& op, write_clock& clock) {
  // Another database of the file is the bucket open_database names: "" for 0, else its number.
  const std::string other = op.offset == 0 ? std::string() : std::to_string(op.offset);
  if (other == bucket_) {
    return op_result::ok();
  }
  BOOST_OUTCOME_TRY(flush_pending());
  BOOST_OUTCOME_TRY(expire_bucket(bucket_, clock));
  BOOST_OUTCOME_TRY(expire_bucket(other, clock));
  BOOST_OUTCOME_TRY(c_.exec(sql::swap_table));
  const std::int64_t version = clock.next();
  for (const char* statement :
       {sql::swap_set_aside, sql::swap_bury, sql::swap_put_back, sql::swap_forget}) {
    BOOST_OUTCOME_TRY(q, c_.prepare(statement));
    if (statement != sql::swap_forget) {
      q.bind_bytes(1, bucket_).bind_bytes(2, other);
    }
    if (statement == sql::swap_bury || statement == sql::swap_put_back) {
      q.bind(3, version);
    }
    if (q.step() != SQLITE_DONE) {
      return failure(c_.failed("swapping two databases"));
    }
  }
  if (pending_ != nullptr) {
    pending_->forget_bucket(bucket_);  // the file has both buckets' rows now
    pending_->forget_bucket(other);
  }
  return op_result::ok();
}

// MSETNX: all pairs or none; a key given twice takes its last value, as in Redis.
result<op_result> rows::set_if_none_exist(const operation& op, write_clock& clock) {
  for (std::size_t i = 0; i + 1 < op.pairs.size(); i += 2) {
    BOOST_OUTCOME_TRY(found, find(op.pairs[i], false));
    if (found && found->present) {
      return op_result::of_integer(0);
    }
  }
  for (std::size_t i = 0; i + 1 < op.pairs.size(); i += 2) {
    BOOST_OUTCOME_TRY(write(op.pairs[i], op.pairs[i + 1], clock));
  }
  return op_result::of_integer(1);
}

result<op_result> rows::increment(const operation& op, write_clock& clock) {
  BOOST_OUTCOME_TRY(existing, find(op.key, true));
  std::int64_t current = 0;
  if (existing && existing->present) {
    auto parsed = counter::parse(existing->value);
    if (!parsed) {
      return op_result::failed(std::string(kNotAnInteger));
    }
    current = *parsed;
  }
  auto sum = counter::add(current, op.delta);
  if (!sum) {
    return op_result::failed(std::string(kOverflow));
  }
  const auto deadline = existing && existing->present ? existing->deadline : std::nullopt;
  BOOST_OUTCOME_TRY(write(op.key, counter::format(*sum), clock, deadline));
  return op_result::of_integer(*sum);
}

// A string edit of one row, inside the writer's group like increment: the deadline stays, and the
// row is written only when the edit stores (when Redis signals the key modified).
result<op_result> rows::edit(const operation& op, write_clock* clock) {
  BOOST_OUTCOME_TRY(existing, find(op.key, true));
  bool exists = existing && existing->present;
  const bool existed = exists;
  std::string value = exists ? std::move(existing->value) : std::string();
  const std::size_t size_before = value.size();
  edit_outcome done = edit_value(op, value, exists);
  if (done.store) {
    if (clock == nullptr) {
      return failure(error::other("sqlite: a write on a read connection"));
    }
    const auto deadline =
        existing && existing->present ? existing->deadline : std::optional<std::int64_t>();
    BOOST_OUTCOME_TRY(write(op.key, value, *clock, deadline));
  } else if (existed && value.size() != size_before) {
    // A BITFIELD whose writes all failed under OVERFLOW FAIL still grows the value, and Redis
    // does not signal the key: the bytes are stored under the same version (WATCH sees nothing).
    if (clock == nullptr || pending_ == nullptr) {
      return failure(error::other("sqlite: a write on a read connection"));
    }
    pending_->write(bucket_, op.key, value, existing->version, existing->deadline);
  }
  return std::move(done.answer);
}

// BITOP: the destination is written as SET writes it (no deadline), or buried when every source
// is empty.
result<op_result> rows::bit_operation(const operation& op, write_clock& clock) {
  std::vector<std::optional<std::string>> sources;
  sources.reserve(op.arguments.size());
  for (std::string_view key : op.arguments) {
    BOOST_OUTCOME_TRY(found, find(key, true));
    const bool present = found && found->present;
    sources.push_back(present ? std::optional<std::string>(std::move(found->value)) : std::nullopt);
  }
  const std::string result = bit_edits::combine(static_cast<bitop>(op.delta), sources);
  if (!result.empty()) {
    BOOST_OUTCOME_TRY(write(op.key, result, clock));
  } else {
    BOOST_OUTCOME_TRY(found, find(op.key, false));
    if (found && found->present) {
      BOOST_OUTCOME_TRY(bury(op.key, clock));
    }
  }
  return op_result::of_integer(static_cast<std::int64_t>(result.size()));
}

// RENAME, RENAMENX and COPY in the order of Redis's renameGenericCommand and copyCommand: the
// source first, then the destination, which takes the value and the deadline.
result<op_result> rows::move_or_copy(const operation& op, write_clock& clock) {
  const bool renames = op.what == operation::kind::rename;
  const bool only_if_missing = op.when == operation::condition::if_missing;
  BOOST_OUTCOME_TRY(from, find(op.key, true));
  if (!from || !from->present) {
    return renames ? op_result::failed("ERR no such key") : op_result::of_integer(0);
  }
  if (renames && op.key == op.value) {
    // Redis changes nothing then, and signals no key: no write for a watch either.
    return only_if_missing ? op_result::of_integer(0) : op_result::ok();
  }
  // Another database of the file is the bucket open_database names: "" for 0, else its number.
  const std::string name = op.offset == 0 ? std::string() : std::to_string(op.offset);
  if (op.removes_source && (!op.copies_across_databases() || name == bucket_)) {
    // MOVE within one bucket (opened by the other database's name), as Redis refuses it.
    return op_result::failed("ERR source and destination objects are the same");
  }
  if (op.copies_across_databases()) {
    rows there(c_, name, now_, pending_);
    there.clock_ = clock_;
    BOOST_OUTCOME_TRY(to, there.find(op.value, false));
    if (to && to->present && only_if_missing) {
      return op_result::of_integer(0);
    }
    BOOST_OUTCOME_TRY(there.write(op.value, from->value, clock, from->deadline));
    if (op.removes_source) {
      BOOST_OUTCOME_TRY(bury(op.key, clock));  // MOVE: Redis's dbDelete of the source
    }
    return op_result::of_integer(1);
  }
  BOOST_OUTCOME_TRY(to, find(op.value, false));
  if (to && to->present && only_if_missing) {
    return op_result::of_integer(0);
  }
  BOOST_OUTCOME_TRY(write(op.value, from->value, clock, from->deadline));
  if (!renames) {
    return op_result::of_integer(1);
  }
  BOOST_OUTCOME_TRY(bury(op.key, clock));
  return only_if_missing ? op_result::of_integer(1) : op_result::ok();
}

// RANDOMKEY: uniform over a bucket of fewer than kRandomExact live keys, else drawn by seq (see
// sql::random_key).
result<op_result> rows::random_key() {
  constexpr std::int64_t kRandomExact = 1000;
  BOOST_OUTCOME_TRY(flush_pending());
  std::int64_t live = 0;
  {
    BOOST_OUTCOME_TRY(q, c_.prepare(sql::count_live_capped));
    q.bind_bytes(1, bucket_).bind(2, now_).bind(3, kRandomExact);
    if (q.step() != SQLITE_ROW) {
      return failure(c_.failed("counting keys"));
    }
    live = q.integer(0);
  }
  if (live == 0) {
    return op_result::nil();
  }
  thread_local std::mt19937_64 draw{std::random_device{}()};
  const bool exact = live < kRandomExact;
  BOOST_OUTCOME_TRY(q, c_.prepare(exact ? sql::live_at_offset : sql::random_key));
  q.bind_bytes(1, bucket_).bind(2, now_);
  if (exact) {
    q.bind(3, std::uniform_int_distribution<std::int64_t>(0, live - 1)(draw));
  }
  const int code = q.step();
  if (code == SQLITE_DONE) {
    return op_result::nil();
  }
  if (code != SQLITE_ROW) {
    return failure(c_.failed("drawing a key"));
  }
  return op_result::of_value(q.bytes(0));
}

result<op_result> rows::execute(const operation& op, write_clock* clock) {
  if (op.writes() && !clock) {
    return failure(error::other("sqlite: a write on a read connection"));
  }
  clock_ = clock;
  auto done = run(op, clock);
  clock_ = nullptr;
  return done;
}

result<op_result> rows::run(const operation& op, write_clock* clock) {
  switch (op.what) {
    case operation::kind::get: {
      BOOST_OUTCOME_TRY(found, find(op.key, true));
      if (found && found->present) {
        return op_result::of_value(std::move(found->value));
      }
      return op_result::nil();
    }
    case operation::kind::exists: {
      BOOST_OUTCOME_TRY(found, find(op.key, false));
      return op_result::of_integer(found && found->present ? 1 : 0);
    }
    case operation::kind::type: {
      BOOST_OUTCOME_TRY(found, find(op.key, false));
      return op_result::of_value(found && found->present ? "string" : "none");
    }
    case operation::kind::length: {
      BOOST_OUTCOME_TRY(found, find(op.key, true));
      const bool present = found && found->present;
      return op_result::of_integer(present ? static_cast<std::int64_t>(found->value.size()) : 0);
    }
    case operation::kind::object: {
      BOOST_OUTCOME_TRY(found, find(op.key, true));
      if (found && found->present) {
        return object_answer(op.field, found->value);
      }
      return op_result::nil();
    }
    case operation::kind::set:
      return set(op, *clock);
    case operation::kind::remove: {
      BOOST_OUTCOME_TRY(found, find(op.key, false));
      if (!found || !found->present) {
        return op_result::of_integer(0);
      }
      BOOST_OUTCOME_TRY(bury(op.key, *clock));
      return op_result::of_integer(1);
    }
    case operation::kind::take: {
      BOOST_OUTCOME_TRY(found, find(op.key, true));
      if (!found || !found->present) {
        return op_result::nil();
      }
      BOOST_OUTCOME_TRY(bury(op.key, *clock));
      return op_result::of_value(std::move(found->value));
    }
    case operation::kind::increment:
      return increment(op, *clock);
    case operation::kind::clear:
      return clear(*clock);
    case operation::kind::swap_databases:
      return swap_databases(op, *clock);
    case operation::kind::set_if_none_exist:
      return set_if_none_exist(op, *clock);
    case operation::kind::count: {
      BOOST_OUTCOME_TRY(flush_pending());
      BOOST_OUTCOME_TRY(q, c_.prepare(sql::count));
      q.bind_bytes(1, bucket_).bind(2, now_);
      if (q.step() != SQLITE_ROW) {
        return failure(c_.failed("counting keys"));
      }
      return op_result::of_integer(q.integer(0));
    }
    case operation::kind::list:
      return list(op);
    case operation::kind::expire:
      return expire(op, *clock);
    case operation::kind::persist:
      return persist(op, *clock);
    case operation::kind::time_left:
    case operation::kind::deadline: {
      BOOST_OUTCOME_TRY(found, find(op.key, false));
      if (!found || !found->present) {
        return op_result::of_integer(-2);
      }
      if (!found->deadline) {
        return op_result::of_integer(-1);
      }
      if (op.what == operation::kind::deadline) {
        return op_result::of_integer(*found->deadline);
      }
      return op_result::of_integer(std::max<std::int64_t>(*found->deadline - now_, 0));
    }
    case operation::kind::get_and_expire:
      if (op.deadline.what == expiry::kind::keep) {
        BOOST_OUTCOME_TRY(found, find(op.key, true));
        return found && found->present ? op_result::of_value(std::move(found->value))
                                       : op_result::nil();
      }
      return get_and_expire(op, *clock);
    case operation::kind::count_expiring:
      return count_expiring(false);
    case operation::kind::average_ttl:
      return count_expiring(true);
    case operation::kind::append:
    case operation::kind::get_range:
    case operation::kind::set_range:
    case operation::kind::increment_float:
    case operation::kind::set_bit:
    case operation::kind::get_bit:
    case operation::kind::bit_count:
    case operation::kind::bit_position:
    case operation::kind::bitfield:
      return edit(op, clock);
    case operation::kind::bit_operation:
      return bit_operation(op, *clock);
    case operation::kind::rename:
    case operation::kind::copy:
      return move_or_copy(op, *clock);
    case operation::kind::random_key:
      return random_key();
    case operation::kind::expired_total: {
      if (clock != nullptr) {
        return op_result::of_integer(clock->expired);
      }
      BOOST_OUTCOME_TRY(read, read_clock(c_));
      return op_result::of_integer(read.expired);
    }
  }
  return op_result::failed("ERR unsupported operation");
}

result<watched_key> rows::watch(std::string_view key, std::int64_t clock,
                                std::optional<std::string>* value) {
  BOOST_OUTCOME_TRY(found, find(key, value != nullptr));
  watched_key w{std::string(key), false, clock};
  if (found && found->present) {
    w.present = true;
    w.version = found->version;
    if (value) {
      *value = std::move(found->value);
    }
  } else if (value) {
    value->reset();
  }
  return w;
}

bool rows::parse_cursor(std::string_view text, std::uint64_t& from) {
  from = 0;
  if (text.empty()) {
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), from);
  return ec == std::errc() && end == text.data() + text.size();
}

// The cursor is the lowest seq not yet listed. A live key keeps its seq (rows are updated in
// place), so a key present for the whole listing is listed exactly once.
result<backend::key_page> rows::list(std::uint64_t from, std::int64_t limit,
                                     std::optional<std::string_view> pattern) {
  backend::key_page page;
  if (from > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return page;  // past every row id
  }
  BOOST_OUTCOME_TRY(flush_pending());
  BOOST_OUTCOME_TRY(q, c_.prepare(sql::page));
  q.bind_bytes(1, bucket_).bind(2, now_).bind(3, static_cast<std::int64_t>(from)).bind(4, limit);
  std::int64_t rows_read = 0;
  std::int64_t last_id = 0;
  int code;
  while ((code = q.step()) == SQLITE_ROW) {
    ++rows_read;
    last_id = q.integer(0);
    std::string key = q.bytes(1);
    if (!pattern || glob_match(*pattern, key)) {
      page.keys.push_back(std::move(key));
    }
  }
  if (code != SQLITE_DONE) {
    return failure(c_.failed("listing keys"));
  }
  if (rows_read == limit) {
    page.cursor = std::to_string(static_cast<std::uint64_t>(last_id) + 1);
  }
  return page;
}

// Inside a batch: the rows as the batch's earlier operations left them.
result<op_result> rows::list(const operation& op) {
  std::uint64_t from = 0;
  if (!parse_cursor(op.key, from)) {
    return op_result::failed("ERR invalid cursor");
  }
  std::optional<std::string_view> pattern;
  if (op.value != "*") {
    pattern = op.value;
  }
  BOOST_OUTCOME_TRY(page, list(from, op.delta <= 0 ? -1 : op.delta, pattern));
  if (!op.lists_strings()) {
    page.keys.clear();  // every key here is a string; the cursor still moves on
  }
  return op_result::of_keys(std::move(page.keys), page.cursor.value_or(std::string()));
}

result<bool> rows::unchanged(const watched_key& w, const write_clock& clock) {
  BOOST_OUTCOME_TRY(found, find(w.key, false));
  if (w.present) {
    return found && found->present && found->version == w.version;
  }
  if (found) {
    // Missing at the watch: still missing, and no tombstone newer than the watch.
    return !found->present && found->version <= w.version;
  }
  // No row at all: a tombstone newer than the watch may have been purged since.
  return clock.horizon <= w.version;
}

}  // namespace atomkv::sqlite
