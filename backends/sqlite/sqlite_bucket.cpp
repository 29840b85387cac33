#include "sqlite_bucket.hpp"

#include <algorithm>

#include "atomkv/clock.hpp"
#include "read_snapshot.hpp"
#include "schema.hpp"
#include "sqlite_transaction.hpp"

namespace atomkv::sqlite {
namespace {

// An unconditional request's outcome as apply's result.
result<std::vector<op_result>> unconditional(group_writer::outcome_type applied) {
  if (!applied) {
    return failure(std::move(applied).error());
  }
  if (!applied.value()) {
    return failure(error::other("sqlite: an unconditional request reported a conflict"));
  }
  return std::move(*applied.value());
}

struct page_request {
  std::uint64_t from = 0;
  std::int64_t limit = 1;
};

result<page_request> parse_page_request(std::optional<std::string_view> cursor,
                                        const backend::list_options& options) {
  page_request r;
  if (!rows::parse_cursor(cursor.value_or(std::string_view()), r.from)) {
    return failure(error::other("invalid cursor"));
  }
  r.limit = static_cast<std::int64_t>(std::max<std::size_t>(options.count_hint, 1));
  return r;
}

// list_options' empty match is every key.
std::optional<std::string_view> pattern_of(const backend::list_options& options) {
  if (options.match.empty()) {
    return std::nullopt;
  }
  return options.match;
}

}  // namespace

result<std::vector<op_result>> sqlite_bucket::read_only(std::span<const operation> ops) {
  bool for_writer = false;
  {
    BOOST_OUTCOME_TRY(c, db_->read());
    auto ran = in_snapshot(*c, [&]() -> result<std::vector<op_result>> {
      if (!c->overlay().empty() && std::any_of(ops.begin(), ops.end(), reads_many_rows)) {
        for_writer = true;
        return std::vector<op_result>();
      }
      rows bucket(*c, name_, unix_time_ms());
      std::vector<op_result> results;
      results.reserve(ops.size());
      for (const auto& op : ops) {
        BOOST_OUTCOME_TRY(r, bucket.execute(op, nullptr));
        results.push_back(std::move(r));
      }
      return results;
    });
    if (!for_writer) {
      return ran;
    }
  }
  return unconditional(db_->writer().submit(name_, {}, ops));
}

result<std::vector<op_result>> sqlite_bucket::apply(std::span<const operation> ops) {
  if (ops.empty()) {
    return std::vector<op_result>();
  }
  if (std::none_of(ops.begin(), ops.end(), [](const operation& op) { return op.writes(); })) {
    return read_only(ops);
  }
  return unconditional(db_->writer().submit(name_, {}, ops));
}

void sqlite_bucket::apply_async(std::span<const operation> ops, std::uint64_t,
                                backend::apply_done done) {
  if (!loop_->attached()) {
    done(apply(ops));
    return;
  }
  if (ops.empty()) {
    done(std::vector<op_result>());
    return;
  }
  auto finish = loop_->expect<result<std::vector<op_result>>>(std::move(done));
  db_->writer().submit_async(
      name_, nullptr, ops,
      [finish](group_writer::outcome_type&& applied) { finish(unconditional(std::move(applied))); },
      group_writer::committer::queuing_loop);
  loop_->queued();
}

result<std::unique_ptr<backend::transaction>> sqlite_bucket::begin() {
  return std::unique_ptr<backend::transaction>(
      std::make_unique<sqlite_transaction>(db_, loop_, name_));
}

result<std::optional<std::string>> sqlite_bucket::get(std::string_view key) {
  BOOST_OUTCOME_TRY(c, db_->read());
  return in_snapshot(*c, [&]() -> result<std::optional<std::string>> {
    BOOST_OUTCOME_TRY(found, rows(*c, name_, unix_time_ms()).find(key, true));
    if (found && found->present) {
      return std::optional<std::string>(std::move(found->value));
    }
    return std::optional<std::string>();
  });
}

result<bool> sqlite_bucket::exists(std::string_view key) {
  BOOST_OUTCOME_TRY(c, db_->read());
  return in_snapshot(*c, [&]() -> result<bool> {
    BOOST_OUTCOME_TRY(found, rows(*c, name_, unix_time_ms()).find(key, false));
    return found && found->present;
  });
}

result<backend::key_page> sqlite_bucket::list_keys(std::optional<std::string_view> cursor,
                                                   const backend::list_options& options) {
  BOOST_OUTCOME_TRY(request, parse_page_request(cursor, options));
  bool for_writer = false;
  {
    BOOST_OUTCOME_TRY(c, db_->read());
    auto listed = in_snapshot(*c, [&]() -> result<backend::key_page> {
      if (!c->overlay().empty()) {
        for_writer = true;
        return backend::key_page();
      }
      return rows(*c, name_, unix_time_ms()).list(request.from, request.limit, pattern_of(options));
    });
    if (!for_writer) {
      return listed;
    }
  }
  // The writer merges the log first. Its list operation takes "*" for every key.
  const std::string from = cursor ? std::string(*cursor) : std::string();
  const operation op = operation::list(
      options.match.empty() ? std::string_view("*") : options.match, from, request.limit);
  BOOST_OUTCOME_TRY(answers, unconditional(db_->writer().submit(name_, {}, {&op, 1})));
  if (answers.size() != 1 || answers[0].what != op_result::kind::keys) {
    return failure(error::other("sqlite: listing keys: " +
                                std::string(answers.empty() ? "no answer" : answers[0].text)));
  }
  backend::key_page page;
  page.keys = std::move(answers[0].keys);
  if (!answers[0].text.empty()) {
    page.cursor = std::move(answers[0].text);
  }
  return page;
}

void sqlite_bucket::list_keys_async(std::optional<std::string_view> cursor,
                                    const backend::list_options& options, backend::list_done done) {
  if (!loop_->attached()) {
    done(list_keys(cursor, options));
    return;
  }
  auto request = parse_page_request(cursor, options);
  if (!request) {
    done(failure(std::move(request).error()));
    return;
  }
  auto page = std::make_shared<backend::key_page>();
  auto finish = loop_->expect<result<backend::key_page>>(std::move(done));
  db_->writer().run_async(
      name_,
      [page, r = request.value(), match = std::string(options.match)](
          rows& bucket, const write_clock&) -> result<void> {
        auto pattern = match.empty() ? std::nullopt : std::optional<std::string_view>(match);
        BOOST_OUTCOME_TRY(listed, bucket.list(r.from, r.limit, pattern));
        *page = std::move(listed);
        return outcome::success();
      },
      [page, finish](group_writer::outcome_type&& listed) {
        if (!listed) {
          finish(failure(std::move(listed).error()));
          return;
        }
        finish(std::move(*page));
      },
      group_writer::committer::queuing_loop, true);
  loop_->queued();
}

}  // namespace atomkv::sqlite
