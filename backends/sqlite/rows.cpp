#include "rows.hpp"

#include <charconv>

#include "atomkv/counter.hpp"
#include "atomkv/glob.hpp"
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
  return write_clock{q.integer(0), q.integer(1)};
}

result<std::optional<row>> rows::find(std::string_view key, bool with_value) {
  BOOST_OUTCOME_TRY(q, c_.prepare(with_value ? sql::find_value : sql::find));
  q.bind_bytes(1, bucket_).bind_bytes(2, key);
  int code = q.step();
  if (code == SQLITE_DONE) {
    return std::optional<row>();
  }
  if (code != SQLITE_ROW) {
    return failure(c_.failed("reading a key"));
  }
  row found{q.integer(0), q.integer(1) != 0, q.integer(2), {}};
  if (with_value && found.present) {
    found.value = q.bytes(3);
  }
  return std::optional<row>(std::move(found));
}

result<void> rows::write(const std::optional<row>& existing, std::string_view key,
                         std::string_view value, write_clock& clock) {
  if (existing) {
    BOOST_OUTCOME_TRY(q, c_.prepare(sql::update));
    q.bind(1, existing->id).bind_bytes(2, value).bind(3, clock.next());
    if (q.step() != SQLITE_DONE) {
      return failure(c_.failed("updating a key"));
    }
  } else {
    BOOST_OUTCOME_TRY(q, c_.prepare(sql::insert));
    q.bind_bytes(1, bucket_).bind_bytes(2, key).bind_bytes(3, value).bind(4, clock.next());
    if (q.step() != SQLITE_DONE) {
      return failure(c_.failed("inserting a key"));
    }
  }
  return outcome::success();
}

result<void> rows::bury(std::int64_t id, write_clock& clock) {
  BOOST_OUTCOME_TRY(q, c_.prepare(sql::bury));
  q.bind(1, id).bind(2, clock.next());
  if (q.step() != SQLITE_DONE) {
    return failure(c_.failed("deleting a key"));
  }
  return outcome::success();
}

result<op_result> rows::set(const operation& op, write_clock& clock) {
  if (op.when == operation::condition::always && !op.return_previous) {
    BOOST_OUTCOME_TRY(q, c_.prepare(sql::upsert));
    q.bind_bytes(1, bucket_).bind_bytes(2, op.key).bind_bytes(3, op.value).bind(4, clock.next());
    if (q.step() != SQLITE_DONE) {
      return failure(c_.failed("writing a key"));
    }
    return op_result::ok();
  }
  BOOST_OUTCOME_TRY(existing, find(op.key, op.return_previous));
  bool present = existing && existing->present;
  op_result answer = op_result::ok();
  if (op.return_previous) {
    answer = present ? op_result::of_value(std::move(existing->value)) : op_result::nil();
  }
  if ((op.when == operation::condition::if_missing && present) ||
      (op.when == operation::condition::if_present && !present)) {
    return op.return_previous ? answer : op_result::nil();
  }
  BOOST_OUTCOME_TRY(write(existing, op.key, op.value, clock));
  return answer;
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
    BOOST_OUTCOME_TRY(q, c_.prepare(sql::upsert));
    q.bind_bytes(1, bucket_).bind_bytes(2, op.pairs[i]).bind_bytes(3, op.pairs[i + 1]);
    q.bind(4, clock.next());
    if (q.step() != SQLITE_DONE) {
      return failure(c_.failed("writing a key"));
    }
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
  BOOST_OUTCOME_TRY(write(existing, op.key, counter::format(*sum), clock));
  return op_result::of_integer(*sum);
}

result<op_result> rows::execute(const operation& op, write_clock* clock) {
  if (op.writes() && !clock) {
    return failure(error::other("sqlite: a write on a read connection"));
  }
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
    case operation::kind::length: {
      BOOST_OUTCOME_TRY(q, c_.prepare(sql::length));
      q.bind_bytes(1, bucket_).bind_bytes(2, op.key);
      int code = q.step();
      if (code == SQLITE_DONE) {
        return op_result::of_integer(0);
      }
      if (code != SQLITE_ROW) {
        return failure(c_.failed("reading a length"));
      }
      return op_result::of_integer(q.integer(0));
    }
    case operation::kind::set:
      return set(op, *clock);
    case operation::kind::remove: {
      BOOST_OUTCOME_TRY(found, find(op.key, false));
      if (!found || !found->present) {
        return op_result::of_integer(0);
      }
      BOOST_OUTCOME_TRY(bury(found->id, *clock));
      return op_result::of_integer(1);
    }
    case operation::kind::take: {
      BOOST_OUTCOME_TRY(found, find(op.key, true));
      if (!found || !found->present) {
        return op_result::nil();
      }
      BOOST_OUTCOME_TRY(bury(found->id, *clock));
      return op_result::of_value(std::move(found->value));
    }
    case operation::kind::increment:
      return increment(op, *clock);
    case operation::kind::clear: {
      // One version for every row: each is newer than any watch of it.
      BOOST_OUTCOME_TRY(q, c_.prepare(sql::bury_bucket));
      q.bind_bytes(1, bucket_).bind(2, clock->next());
      if (q.step() != SQLITE_DONE) {
        return failure(c_.failed("clearing a bucket"));
      }
      return op_result::ok();
    }
    case operation::kind::set_if_none_exist:
      return set_if_none_exist(op, *clock);
    case operation::kind::count: {
      BOOST_OUTCOME_TRY(q, c_.prepare(sql::count));
      q.bind_bytes(1, bucket_);
      if (q.step() != SQLITE_ROW) {
        return failure(c_.failed("counting keys"));
      }
      return op_result::of_integer(q.integer(0));
    }
    case operation::kind::list:
      return list(op);
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

// The cursor is the lowest row id not yet listed. A live key keeps its row id (rows are updated
// in place), so a key present for the whole listing is listed exactly once.
result<backend::key_page> rows::list(std::int64_t from, std::int64_t limit,
                                     std::optional<std::string_view> pattern) {
  BOOST_OUTCOME_TRY(q, c_.prepare(sql::page));
  q.bind_bytes(1, bucket_).bind(2, from).bind(3, limit);
  backend::key_page page;
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
    page.cursor = std::to_string(last_id + 1);
  }
  return page;
}

// Inside a batch: the rows as the batch's earlier operations left them.
result<op_result> rows::list(const operation& op) {
  std::int64_t from = 0;
  if (!op.key.empty()) {
    auto [end, ec] = std::from_chars(op.key.data(), op.key.data() + op.key.size(), from);
    if (ec != std::errc() || end != op.key.data() + op.key.size() || from < 0) {
      return op_result::failed("ERR invalid cursor");
    }
  }
  std::optional<std::string_view> pattern;
  if (op.value != "*") {
    pattern = op.value;
  }
  BOOST_OUTCOME_TRY(page, list(from, op.delta <= 0 ? -1 : op.delta, pattern));
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
