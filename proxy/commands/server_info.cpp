// Server commands: INFO, FLUSHALL and TIME (CONFIG is in config.cpp, COMMAND in introspection.cpp).

#include <algorithm>
#include <chrono>
#include <string>

#include "../client.hpp"
#include "../command_table.hpp"
#include "../dispatch.hpp"
#include "../redis_errors.hpp"
#include "../server.hpp"
#include "info_text.hpp"
#include "parse.hpp"
#include "server_info.hpp"

namespace atomkv::proxy {
namespace server_family {

// FLUSHALL [ASYNC | SYNC]: clears every database, one bucket after the other; a failure says
// which were cleared and which not.
bool flushall_syntax_ok(args_view a) {
  return a.size() == 1 || (a.size() == 2 && (equals_ignoring_case(a[1], "async") ||
                                             equals_ignoring_case(a[1], "sync")));
}

const operation kClear = operation::clear();
constexpr std::size_t kNoDatabase = static_cast<std::size_t>(-1);

// Called with nothing when every database was cleared, else with the error line.
using flushed_fn = std::function<void(std::optional<std::string> failed)>;

// "0-2, 5, 7-15" for a sorted list of database numbers.
std::string database_ranges(const std::vector<std::size_t>& dbs) {
  std::string text;
  for (std::size_t i = 0; i < dbs.size();) {
    std::size_t j = i;
    while (j + 1 < dbs.size() && dbs[j + 1] == dbs[j] + 1) {
      ++j;
    }
    if (!text.empty()) {
      text += ", ";
    }
    text += std::to_string(dbs[i]);
    if (j > i) {
      text += "-" + std::to_string(dbs[j]);
    }
    i = j + 1;
  }
  return text;
}

// What a FLUSHALL that stopped at `failed_db` did: the databases before it (and `skip`, cleared
// by EXEC's batch) were cleared, the failed one may or may not have been, the rest were not.
std::string flushall_failure_line(std::size_t failed_db, std::size_t skip, std::size_t databases,
                                  const error& why) {
  std::vector<std::size_t> cleared, untouched;
  for (std::size_t db = 0; db < databases; ++db) {
    if (db == failed_db) {
      continue;
    }
    (db < failed_db || db == skip ? cleared : untouched).push_back(db);
  }
  std::string line = "ERR FLUSHALL did not complete: ";
  line += cleared.empty() ? "no database cleared"
                          : "database" + std::string(cleared.size() > 1 ? "s " : " ") +
                                database_ranges(cleared) + " cleared";
  line += "; database " + std::to_string(failed_db) +
          (outcome_unknown(why) ? " may or may not have been cleared (" : " not cleared (") +
          why.message + ")";
  if (!untouched.empty()) {
    line += "; database" + std::string(untouched.size() > 1 ? "s " : " ") +
            database_ranges(untouched) + " not cleared";
  }
  return line;
}

// Clears database `db` and the ones after it, except `skip`, one after the other.
void flush_from(std::shared_ptr<client> requester, std::size_t db, std::size_t skip,
                flushed_fn done) {
  auto& owner = requester->owner();
  if (db == skip) {
    ++db;
  }
  const std::size_t databases = owner.config().databases_in_use();
  if (db >= databases) {
    done(std::nullopt);
    return;
  }
  std::string problem;
  auto bucket = owner.bucket(db, problem);
  if (!bucket) {
    done(flushall_failure_line(db, skip, databases, error::other(problem)));
    return;
  }
  const auto lane = requester->lane();
  bucket->apply_async(
      std::span<const operation>(&kClear, 1), lane,
      [requester = std::move(requester), db, skip, databases,
       done = std::move(done)](result<std::vector<op_result>> cleared) mutable {
        if (!cleared) {
          done(flushall_failure_line(db, skip, databases, cleared.error()));
          return;
        }
        if (!cleared.value().empty() && cleared.value()[0].what == op_result::kind::error) {
          // The backend refused it: not applied.
          done(flushall_failure_line(db, skip, databases, backend::to_error(cleared.value()[0])));
          return;
        }
        flush_from(std::move(requester), db + 1, skip, std::move(done));
      });
}

void run_flushall_deferred(client& c, args_view a) {
  if (!flushall_syntax_ok(a)) {
    c.reply().error(errors::syntax);
    return;
  }
  auto ticket = c.defer();
  flush_from(c.shared_from_this(), 0, kNoDatabase,
             [requester = c.shared_from_this(), ticket](std::optional<std::string> failed) {
               requester->fulfil(ticket, [&](resp::reply_writer& out) {
                 if (failed) {
                   out.error(*failed);
                 } else {
                   out.simple("OK");
                 }
               });
             });
}

// An encoded reply for EXEC's array.
std::string encoded(resp::protocol proto, const std::function<void(resp::reply_writer&)>& write) {
  std::string bytes;
  resp::reply_writer out(bytes, proto);
  write(out);
  return bytes;
}

// Inside EXEC: the transaction's database is cleared in its place in the batch, the others once
// the batch has committed (so not when EXEC applies nothing), one after the other.
exec_finish plan_flushall_in_exec(client& c, std::size_t db, args_view a, plan_builder& plan) {
  const auto proto = c.state().proto;
  if (!flushall_syntax_ok(a)) {
    return [proto](const std::vector<op_result>&, exec_reply reply) {
      reply(encoded(proto, [](resp::reply_writer& out) { out.error(errors::syntax); }));
    };
  }
  plan.target.shape = reply_shape::ok;
  plan.add(kClear);
  return [requester = c.shared_from_this(), db, mine = plan.target, proto](
             const std::vector<op_result>& results, exec_reply reply) {
    if (results[mine.first].what == op_result::kind::error) {
      reply(encoded(proto, [&](resp::reply_writer& out) { write_reply(mine, results, out); }));
      return;
    }
    flush_from(requester, 0, db, [proto, reply](std::optional<std::string> failed) {
      reply(encoded(proto, [&](resp::reply_writer& out) {
        if (failed) {
          out.error(*failed);
        } else {
          out.simple("OK");
        }
      }));
    });
  };
}

// What INFO asks a bucket: the Keyspace figures (Keyspace), and the store's expired keys (Stats),
// which one bucket answers for the whole store.
const operation kKeyspaceOps[] = {operation::count(), operation::count_expiring(),
                                  operation::average_ttl()};
const operation kExpiredTotal = operation::expired_total();

struct info_asks {
  bool keyspace = false;
  bool expired = false;

  explicit info_asks(const info_request& section)
      : keyspace(section.wants("keyspace")), expired(section.wants("stats")) {}
  bool anything() const { return keyspace || expired; }
};

// Adds to `figures` what `results` (from `first` on: the keyspace operations when asked, then
// expired_total when asked) say of database `db`.
void take_figures(const std::vector<op_result>& results, std::size_t first, std::size_t db,
                  bool keyspace, bool expired, info_figures& figures) {
  auto integer = [&](std::size_t i) {
    return i < results.size() && results[i].what == op_result::kind::integer ? results[i].integer
                                                                             : 0;
  };
  if (keyspace) {
    if (std::int64_t keys = integer(first); keys > 0) {
      figures.keyspace.push_back(
          {.db = db, .keys = keys, .expires = integer(first + 1), .avg_ttl = integer(first + 2)});
    }
    first += std::size(kKeyspaceOps);
  }
  if (expired) {
    figures.expired_keys = integer(first);
  }
}

using gathered_fn = std::function<void(info_figures)>;

// Asks every open database except `skip` at once for what `asks` needs (the expired keys from
// the first of them, unless `have_expired`), adds it to `figures`, then calls `done` with the
// Keyspace lines in database order.
void gather_figures(client& c, info_asks asks, std::size_t skip, bool have_expired,
                    info_figures figures, gathered_fn done) {
  struct in_progress {
    info_figures figures;
    std::size_t waiting = 0;
    gathered_fn done;

    void finish() {
      std::sort(figures.keyspace.begin(), figures.keyspace.end());
      done(std::move(figures));
    }
  };
  auto work = std::make_shared<in_progress>();
  work->figures = std::move(figures);
  work->done = std::move(done);
  auto buckets = c.owner().open_buckets();
  work->waiting = buckets.size() + 1;  // one more, released below: no early finish
  bool expired_wanted = asks.expired && !have_expired;
  for (const auto& [db, bucket] : buckets) {
    const bool keyspace = asks.keyspace && db != skip;
    const bool expired = expired_wanted;
    if (!keyspace && !expired) {
      --work->waiting;
      continue;
    }
    expired_wanted = false;
    std::vector<operation> ops;
    if (keyspace) {
      ops.assign(std::begin(kKeyspaceOps), std::end(kKeyspaceOps));
    }
    if (expired) {
      ops.push_back(kExpiredTotal);
    }
    bucket->apply_async(ops, c.lane(),
                        [work, db = db, keyspace, expired](result<std::vector<op_result>> counted) {
                          if (counted) {
                            take_figures(counted.value(), 0, db, keyspace, expired, work->figures);
                          }
                          if (--work->waiting == 0) {
                            work->finish();
                          }
                        });
  }
  if (--work->waiting == 0) {
    work->finish();
  }
}

void run_info_deferred(client& c, args_view a) {
  auto section = info_request::of(a);
  info_asks asks(section);
  if (!asks.anything()) {
    c.reply().verbatim("txt", info_text(c, section, {}));
    return;
  }
  auto ticket = c.defer();
  gather_figures(c, asks, kNoDatabase, false, {},
                 [requester = c.shared_from_this(), ticket, section](info_figures figures) {
                   requester->fulfil(ticket, [&](resp::reply_writer& out) {
                     out.verbatim("txt", info_text(*requester, section, figures));
                   });
                 });
}

// Inside EXEC: the transaction's database is asked in its place in the batch, the others once
// the batch has committed.
exec_finish plan_info_in_exec(client& c, std::size_t db, args_view a, plan_builder& plan) {
  auto section = info_request::of(a);
  info_asks asks(section);
  if (asks.keyspace) {
    for (const auto& op : kKeyspaceOps) {
      plan.add(op);
    }
  }
  if (asks.expired) {
    plan.add(kExpiredTotal);
  }
  return [requester = c.shared_from_this(), db, mine = plan.target, section = std::move(section),
          asks, proto = c.state().proto](const std::vector<op_result>& results, exec_reply reply) {
    auto answer = [requester, section, proto, reply](const info_figures& figures) {
      reply(encoded(proto, [&](resp::reply_writer& out) {
        out.verbatim("txt", info_text(*requester, section, figures));
      }));
    };
    if (!asks.anything()) {
      answer({});
      return;
    }
    info_figures figures;
    take_figures(results, mine.first, db, asks.keyspace, asks.expired, figures);
    gather_figures(*requester, asks, db, true, std::move(figures), answer);
  };
}

// TIME: the clock deadlines are kept by (the system clock, as Redis's), in seconds and
// microseconds, each a bulk string as Redis writes them in RESP2 and RESP3.
void run_time(command_context&, args_view, resp::reply_writer& out) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  out.array_header(2);
  out.bulk(std::to_string(us / 1000000));
  out.bulk(std::to_string(us % 1000000));
}

}  // namespace server_family

}  // namespace atomkv::proxy
