#include "sqlite_transaction.hpp"

#include "atomkv/clock.hpp"
#include "read_snapshot.hpp"
#include "schema.hpp"

namespace atomkv::sqlite {

result<std::vector<std::optional<std::string>>> sqlite_transaction::watch(
    std::span<const std::string_view> keys, bool read_values) {
  BOOST_OUTCOME_TRY(c, db_->read());
  // The clock and the keys are read in one snapshot, so the watch and the values agree.
  return in_snapshot(*c, [&]() -> result<std::vector<std::optional<std::string>>> {
    BOOST_OUTCOME_TRY(clock, read_clock(*c));
    rows bucket(*c, bucket_, unix_time_ms());
    std::vector<std::optional<std::string>> values(read_values ? keys.size() : 0);
    std::vector<watched_key> added;
    added.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      BOOST_OUTCOME_TRY(w, bucket.watch(keys[i], clock.clock, read_values ? &values[i] : nullptr));
      added.push_back(std::move(w));
    }
    watches_->add(std::move(added));
    return values;
  });
}

result<std::optional<std::vector<op_result>>> sqlite_transaction::commit(
    std::span<const operation> ops) {
  auto watches = watches_->take();
  if (!watches) {
    return std::optional<std::vector<op_result>>();  // a watch failed: a conflict
  }
  return db_->writer().submit(bucket_, *watches, ops);
}

template <class R>
std::function<void(R)> sqlite_transaction::counted(std::function<void(R)> done) {
  ++*in_flight_;
  return [in_flight = in_flight_, done = std::move(done)](R outcome) {
    --*in_flight;
    done(std::move(outcome));
  };
}

void sqlite_transaction::watch_async(std::span<const std::string_view> keys, bool read_values,
                                     backend::watch_done done) {
  if (!loop_->attached()) {
    done(watch(keys, read_values));
    return;
  }
  using values_type = std::vector<std::optional<std::string>>;
  auto finish = loop_->expect<result<values_type>>(counted(std::move(done)));
  auto values = std::make_shared<values_type>();
  db_->writer().run_async(
      bucket_,
      [keys = std::vector<std::string>(keys.begin(), keys.end()), read_values, values,
       set = watches_](rows& bucket, const write_clock& clock) -> result<void> {
        // Inside the writer's transaction: the clock is that of the requests before this one.
        values->assign(read_values ? keys.size() : 0, std::nullopt);
        std::vector<watched_key> added;
        added.reserve(keys.size());
        for (std::size_t i = 0; i < keys.size(); ++i) {
          BOOST_OUTCOME_TRY(
              w, bucket.watch(keys[i], clock.clock, read_values ? &(*values)[i] : nullptr));
          added.push_back(std::move(w));
        }
        set->add(std::move(added));
        return outcome::success();
      },
      [values, set = watches_, finish](group_writer::outcome_type&& watched) {
        if (!watched) {
          set->spoil();  // what the watch read may have been rolled back
          finish(failure(std::move(watched).error()));
          return;
        }
        finish(std::move(*values));
      },
      group_writer::committer::queuing_loop);
  loop_->queued();
}

void sqlite_transaction::commit_async(std::span<const operation> ops, backend::commit_done done) {
  if (!loop_->attached()) {
    done(commit(ops));
    return;
  }
  auto finish =
      loop_->expect<result<std::optional<std::vector<op_result>>>>(counted(std::move(done)));
  db_->writer().submit_async(
      bucket_, watches_, ops,
      [finish](group_writer::outcome_type&& committed) { finish(std::move(committed)); },
      group_writer::committer::queuing_loop);
  loop_->queued();
}

void sqlite_transaction::unwatch_async(backend::unwatch_done done) {
  if (!loop_->attached() || *in_flight_ == 0) {
    // Nothing of this transaction waits for the writer: releasing now keeps the order.
    done(unwatch());
    return;
  }
  auto finish = loop_->expect<result<void>>(counted(std::move(done)));
  db_->writer().run_async(
      bucket_,
      [set = watches_](rows&, const write_clock&) -> result<void> {
        set->clear();
        return outcome::success();
      },
      [finish](group_writer::outcome_type&& released) {
        if (!released) {
          finish(failure(std::move(released).error()));
          return;
        }
        finish(outcome::success());
      },
      group_writer::committer::queuing_loop);
  loop_->queued();
}

}  // namespace atomkv::sqlite
