#include "cluster_bucket.hpp"

#include <algorithm>
#include <map>

#include "atomkv/kept_operations.hpp"
#include "cluster_async_transaction.hpp"
#include "cluster_transaction.hpp"
#include "commands.hpp"

namespace atomkv::redis {
namespace {

bool paged_list(const operation& op) {
  return op.what == operation::kind::list && op.delta > 0;
}

result<std::vector<op_result>> finished(apply_call& call) {
  BOOST_OUTCOME_TRY(applied, call.finish());
  if (!applied) {
    // No WATCH was sent on this connection, so EXEC cannot answer nil.
    return failure(error::other("redis: EXEC aborted without a watch"));
  }
  return std::move(*applied);
}

const error& invalid_cursor() {
  static const error e = error::other("invalid cursor");
  return e;
}

}  // namespace

result<std::vector<op_result>> cluster_bucket::apply_on_slot(std::uint16_t slot,
                                                             std::span<const operation> ops) {
  BOOST_OUTCOME_TRY(call,
                    nodes_->run(slot, [&] { return apply_call::for_apply(prefix_, 0, ops); }));
  return finished(call);
}

result<std::vector<op_result>> cluster_bucket::apply(std::span<const operation> ops) {
  if (ops.empty()) {
    return std::vector<op_result>();
  }
  if (own_slot_) {
    return apply_on_slot(*own_slot_, ops);
  }
  BOOST_OUTCOME_TRY(slot, common_slot(prefix_, ops));
  if (std::none_of(ops.begin(), ops.end(), spans_bucket)) {
    // Operations that name no key (MSETNX of no pair) run anywhere: slot 0's master.
    return apply_on_slot(slot.value_or(0), ops);
  }
  if (ops.size() == 1 && paged_list(ops.front())) {
    const operation& op = ops.front();
    auto page = list_page(
        op.key,
        [&](const node_address& master, const std::string& node_cursor)
            -> result<std::pair<std::vector<std::string>, std::optional<std::string>>> {
          operation one = op;
          one.key = node_cursor;
          auto call = apply_call::for_apply(prefix_, 0, std::span<const operation>(&one, 1));
          BOOST_OUTCOME_TRY(nodes_->run_on(master, call));
          BOOST_OUTCOME_TRY(results, finished(call));
          op_result& listed = results.front();
          if (listed.what == op_result::kind::error) {
            return failure(backend::to_error(listed));
          }
          std::optional<std::string> next;
          if (!listed.text.empty()) {
            next = std::move(listed.text);
          }
          return std::make_pair(std::move(listed.keys), std::move(next));
        });
    if (!page) {
      if (page.error() == invalid_cursor()) {
        return std::vector<op_result>{op_result::failed("ERR invalid cursor")};
      }
      return failure(std::move(page).error());
    }
    return std::vector<op_result>{
        op_result::of_keys(std::move(page.value().first), page.value().second.value_or(""))};
  }
  // A keyed master that redirected before any master ran anything: again, on the new map.
  for (int attempt = 0;; ++attempt) {
    bool not_applied = false;
    auto applied = apply_everywhere(slot, ops, &not_applied);
    if (applied || !not_applied || attempt >= cluster_nodes::kMaxRedirections) {
      return applied;
    }
  }
}

result<std::vector<op_result>> cluster_bucket::apply_everywhere(std::optional<std::uint16_t> slot,
                                                                std::span<const operation> ops,
                                                                bool* not_applied) {
  *not_applied = false;
  BOOST_OUTCOME_TRY(map, nodes_->map());
  const auto masters = masters_in_order(*map);
  const node_address* keyed_master = slot ? map->master_of(*slot) : nullptr;
  if (slot && keyed_master == nullptr) {
    return failure(error::other("CLUSTERDOWN Hash slot not served"));
  }
  // A paged listing runs on the master its cursor names.
  std::vector<std::optional<cluster_cursor>> cursors(ops.size());
  std::vector<op_result> results(ops.size());
  std::vector<bool> decided(ops.size(), false);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (!paged_list(ops[i])) {
      continue;
    }
    if (ops[i].key.empty()) {
      cursors[i] = cluster_cursor{};
    } else if (auto at = decode_cursor(ops[i].key); !at) {
      results[i] = op_result::failed("ERR invalid cursor");
      decided[i] = true;
    } else if (at->master >= masters.size()) {
      results[i] = op_result::of_keys({}, "");  // past every master: over (see list_page)
      decided[i] = true;
    } else {
      cursors[i] = std::move(at);
    }
  }
  std::vector<std::vector<op_result>> per_master(ops.size());
  // The keyed master first: if the slot has moved, its refusal comes before any other master
  // ran anything, so nothing is applied piecemeal.
  std::vector<std::size_t> order;
  for (std::size_t m = 0; m < masters.size(); ++m) {
    if (keyed_master && masters[m] == *keyed_master) {
      order.insert(order.begin(), m);
    } else {
      order.push_back(m);
    }
  }
  const std::uint64_t seen = nodes_->epoch();
  for (std::size_t m : order) {
    std::vector<operation> sub;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const bool here = decided[i]             ? false
                        : paged_list(ops[i])   ? cursors[i]->master == m
                        : spans_bucket(ops[i]) ? true
                                               : keyed_master && masters[m] == *keyed_master;
      if (here) {
        sub.push_back(ops[i]);
        if (paged_list(ops[i])) {
          sub.back().key = cursors[i]->node_cursor;
        }
        index.push_back(i);
      }
    }
    if (sub.empty()) {
      continue;
    }
    auto call = apply_call::for_apply(prefix_, 0, sub);
    redirect_sink sink(call, 0);
    BOOST_OUTCOME_TRY(conn, nodes_->pool_for(masters[m])->acquire());
    BOOST_OUTCOME_TRY(conn->exchange(call.command(), sink));
    if (auto next = sink.decide(); next.what != retry_decision::kind::done) {
      // The keyed master, asked first, moved: nothing was applied anywhere. A later master
      // refusing (CLUSTERDOWN) leaves the earlier ones' parts applied: said so.
      (void)nodes_->refresh(seen);
      *not_applied = m == order.front();
      return failure(error::other(
          "redis cluster: " + next.line +
          (m == order.front() ? " (nothing applied)" : " (applied on some masters only)")));
    }
    BOOST_OUTCOME_TRY(answers, finished(call));
    for (std::size_t j = 0; j < index.size(); ++j) {
      per_master[index[j]].push_back(std::move(answers[j]));
    }
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (decided[i]) {
      continue;
    }
    if (paged_list(ops[i])) {
      op_result page = std::move(per_master[i].front());
      if (page.what == op_result::kind::keys) {
        const std::size_t m = cursors[i]->master;
        if (!page.text.empty()) {
          page.text = encode_cursor({m, page.text});
        } else if (m + 1 < masters.size()) {
          page.text = encode_cursor({m + 1, "0"});
        }
      }
      results[i] = std::move(page);
    } else if (spans_bucket(ops[i])) {
      results[i] = combine(ops[i], per_master[i]);
    } else {
      results[i] = std::move(per_master[i].front());
    }
  }
  return results;
}

result<std::vector<op_result>> cluster_bucket::apply_batch(std::span<const operation> ops) {
  if (std::any_of(ops.begin(), ops.end(), spans_bucket) ||
      std::any_of(ops.begin(), ops.end(), [](const operation& op) {
        return op.what == operation::kind::set_if_none_exist;
      })) {
    return apply(ops);
  }
  if (own_slot_) {
    return apply_on_slot(*own_slot_, ops);
  }
  std::map<std::uint16_t, std::vector<std::size_t>> by_slot;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    by_slot[slot_of(prefix_, ops[i].key)].push_back(i);
  }
  std::vector<op_result> results(ops.size());
  std::vector<operation> group;
  for (const auto& [slot, indexes] : by_slot) {
    group.clear();
    for (std::size_t i : indexes) {
      group.push_back(ops[i]);
    }
    BOOST_OUTCOME_TRY(answers, apply_on_slot(slot, group));
    for (std::size_t j = 0; j < indexes.size(); ++j) {
      results[indexes[j]] = std::move(answers[j]);
    }
  }
  return results;
}

result<std::optional<std::uint16_t>> cluster_bucket::single_slot(
    std::span<const operation> ops) const {
  if (std::any_of(ops.begin(), ops.end(), spans_bucket)) {
    return std::optional<std::uint16_t>();
  }
  if (own_slot_) {
    return own_slot_;
  }
  BOOST_OUTCOME_TRY(slot, common_slot(prefix_, ops));
  return std::optional<std::uint16_t>(slot.value_or(0));  // as apply() does
}

void cluster_bucket::apply_async(std::span<const operation> ops, std::uint64_t lane,
                                 backend::apply_done done) {
  cluster_links* links = loop_->links.get();
  if (links == nullptr || ops.empty()) {
    done(apply(ops));
    return;
  }
  auto slot = single_slot(ops);
  if (!slot) {
    // Refused before anything is sent: no lane order to keep, since nothing runs.
    done(failure(std::move(slot).error()));
    return;
  }
  if (slot.value()) {
    links->apply(*slot.value(), lane, apply_call::for_apply(prefix_, 0, ops), std::move(done));
    return;
  }
  // On a worker thread, after the lane's calls in flight: a copy of the operations, and of this
  // bucket without its binding to the loop (the caller may drop both meanwhile).
  auto kept = std::make_shared<kept_operations>(ops);
  auto unbound =
      std::make_shared<cluster_bucket>(nodes_, prefix_, std::make_shared<cluster_binding>());
  links->in_lane_order(
      lane, [unbound, kept] { return unbound->apply(kept->ops()); }, std::move(done));
}

result<std::int64_t> cluster_bucket::increment(std::string_view key, std::int64_t delta) {
  const operation op = operation::increment(key, delta);
  BOOST_OUTCOME_TRY(applied, apply_on_slot(slot_of(prefix_, key), std::span(&op, 1)));
  const op_result& sum = applied.front();
  if (sum.what == op_result::kind::error) {
    return failure(backend::to_error(sum));
  }
  if (sum.what != op_result::kind::integer) {
    return failure(error::other("redis: INCRBY answered a non-integer"));
  }
  return sum.integer;
}

result<std::unique_ptr<backend::transaction>> cluster_bucket::begin() {
  if (loop_->links) {
    return std::unique_ptr<backend::transaction>(std::make_unique<cluster_async_transaction>(
        loop_->links, nodes_, prefix_, own_slot_.has_value()));
  }
  return std::unique_ptr<backend::transaction>(
      std::make_unique<cluster_transaction>(nodes_, prefix_, own_slot_.has_value()));
}

template <class Page>
result<std::pair<std::vector<std::string>, std::optional<std::string>>> cluster_bucket::list_page(
    std::optional<std::string_view> cursor, Page page) {
  BOOST_OUTCOME_TRY(map, nodes_->map());
  const auto masters = masters_in_order(*map);
  cluster_cursor at;
  if (cursor && !cursor->empty()) {
    auto decoded = decode_cursor(*cursor);
    if (!decoded) {
      return failure(invalid_cursor());
    }
    if (decoded->master >= masters.size()) {
      // A number past every master (SCAN -1 is 2^64-1): the listing is over. Redis refuses no
      // number either; from a cursor past its table it answers 0 after at most one bucket.
      return std::make_pair(std::vector<std::string>(), std::optional<std::string>());
    }
    at = std::move(*decoded);
  }
  for (;;) {
    BOOST_OUTCOME_TRY(got, page(masters[at.master], at.node_cursor));
    if (got.second) {
      return std::make_pair(std::move(got.first),
                            std::optional<std::string>(encode_cursor({at.master, *got.second})));
    }
    if (at.master + 1 >= masters.size()) {
      return std::make_pair(std::move(got.first), std::optional<std::string>());
    }
    at = {at.master + 1, "0"};
    if (!got.first.empty()) {
      return std::make_pair(std::move(got.first), std::optional<std::string>(encode_cursor(at)));
    }
  }
}

result<backend::key_page> cluster_bucket::list_keys(std::optional<std::string_view> cursor,
                                                    const backend::list_options& options) {
  if (own_slot_) {
    // One master holds the bucket: its own cursors.
    BOOST_OUTCOME_TRY(call,
                      nodes_->run(*own_slot_, [&] { return scan_call(prefix_, cursor, options); }));
    return call.finish();
  }
  BOOST_OUTCOME_TRY(
      listed,
      list_page(cursor,
                [&](const node_address& master, const std::string& node_cursor)
                    -> result<std::pair<std::vector<std::string>, std::optional<std::string>>> {
                  scan_call call(prefix_, node_cursor, options);
                  BOOST_OUTCOME_TRY(nodes_->run_on(master, call));
                  BOOST_OUTCOME_TRY(page, call.finish());
                  return std::make_pair(std::move(page.keys), std::move(page.cursor));
                }));
  return backend::key_page{std::move(listed.first), std::move(listed.second)};
}

}  // namespace atomkv::redis
