#pragma once
// The Redis command mapping, written once: each call object builds the request for one backend
// call and turns the replies, fed to it one by one in order, into the call's result. There is no
// I/O here, so that the blocking pool (connection.hpp) and the proxy's event loop (hiredis async,
// which frees each reply when its callback returns) drive the same mapping.
//
// Keys of a bucket are sent as prefix + key; the "" bucket has an empty prefix.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/backend.hpp"
#include "atomkv/operation.hpp"
#include "atomkv/result.hpp"
#include "request.hpp"

struct redisReply;

namespace atomkv::redis {

// Receives the replies of a request, one per command, in order.
class reply_sink {
 public:
  virtual void on_reply(const redisReply& reply) = 0;

 protected:
  ~reply_sink() = default;
};

// One reply as the result of one operation: status -> ok, bulk -> value, nil, integer, and an
// error reply -> the full error line.
op_result to_op_result(const redisReply& reply);

// apply (MULTI ... EXEC without WATCH) and commit (the same after WATCH).
//   one operation          -> the command alone
//   only gets              -> MGET
//   only unconditional sets -> MSET
//   anything else          -> MULTI, the commands, EXEC (one round trip)
// commit always sends MULTI ... EXEC, so that the watches decide. A list operation is KEYS
// (every key) or SCAN (a page), with the bucket's prefix escaped in front of the pattern.
//
// Expiry is Redis's own: set's deadline is SET ... PX | PXAT | KEEPTTL, expire PEXPIRE or
// PEXPIREAT with NX/XX/GT/LT, persist PERSIST, time_left PTTL, deadline PEXPIRETIME,
// get_and_expire GETEX. A deadline already past given to set or get_and_expire is sent as PXAT 1
// (Redis refuses 0 and negative times there; a past PXAT removes the key, as the contract asks).
// count_expiring and average_ttl are the expires= and avg_ttl= of database `db` in INFO keyspace
// on the plain keyspace, and a script over the bucket's keys otherwise; expired_total is INFO
// stats' expired_keys, which Redis counts for the whole server.
class apply_call final : public reply_sink {
 public:
  // `db`: the Redis database the request runs on (selected by the connection), whose line of
  // INFO keyspace answers count_expiring and average_ttl.
  static apply_call for_apply(std::string_view prefix, int db, std::span<const operation> ops);
  static apply_call for_commit(std::string_view prefix, int db, std::span<const operation> ops);

  const request& command() const { return request_; }
  void on_reply(const redisReply& reply) override;
  // An empty optional: EXEC answered nil, a watched key was written.
  result<std::optional<std::vector<op_result>>> finish();

 private:
  enum class shape : std::uint8_t { single, mget, mset, multi };
  // How an operation's reply becomes its result: list operations answer with arrays, type with a
  // status whose text is the result, INFO with text holding the wanted number.
  enum class form : std::uint8_t {
    plain,
    all_keys,
    key_page,
    type_name,
    keyspace_expires,  // INFO keyspace: expires= of database db_
    keyspace_avg_ttl,  // INFO keyspace: avg_ttl= of database db_
    stats_expired,     // INFO stats: expired_keys
    integer_array,     // BITFIELD: integers and nils
    prefixed_key,      // RANDOMKEY of a prefixed bucket: the key without the prefix
  };
  apply_call(shape how, std::size_t ops, int db) : how_(how), ops_(ops), db_(db) {}

  void note_forms(std::string_view prefix, std::span<const operation> ops);
  op_result result_of(std::size_t index, const redisReply& reply) const;

  shape how_;
  std::size_t ops_;
  int db_;
  std::vector<form> forms_;  // empty when every operation's reply is its result as it is
  std::string prefix_;       // for list results
  request request_;
  std::size_t seen_ = 0;
  bool conflict_ = false;
  std::optional<error> failed_;
  std::vector<op_result> results_;
};

// WATCH keys, then (with read_values) GET or MGET of the same keys: one round trip, and nothing
// can slip in between since the watch is already in place when the read runs.
class watch_call final : public reply_sink {
 public:
  watch_call(std::string_view prefix, std::span<const std::string_view> keys, bool read_values);

  const request& command() const { return request_; }
  void on_reply(const redisReply& reply) override;
  result<std::vector<std::optional<std::string>>> finish();

 private:
  std::size_t keys_;
  bool read_values_;
  request request_;
  std::size_t seen_ = 0;
  std::optional<error> failed_;
  std::vector<std::optional<std::string>> values_;
};

class unwatch_call final : public reply_sink {
 public:
  unwatch_call() { request_.add({"UNWATCH"}); }

  const request& command() const { return request_; }
  void on_reply(const redisReply& reply) override;
  result<void> finish();

 private:
  request request_;
  std::optional<error> failed_;
};

// SCAN cursor MATCH <escaped prefix><match or *> COUNT hint; Redis's cursor is the continuation,
// and its final "0" means done. Keys come back without the prefix.
class scan_call final : public reply_sink {
 public:
  scan_call(std::string_view prefix, std::optional<std::string_view> cursor,
            const backend::list_options& options);

  const request& command() const { return request_; }
  void on_reply(const redisReply& reply) override;
  result<backend::key_page> finish();

 private:
  std::string prefix_;
  request request_;
  std::optional<error> failed_;
  backend::key_page page_;
};

// `text` with the glob characters of SCAN MATCH escaped.
std::string glob_escape(std::string_view text);

}  // namespace atomkv::redis
