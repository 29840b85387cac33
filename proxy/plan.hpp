#pragma once
// A data command, planned: the backend operations it becomes and how their results become the
// command's reply. The same plan runs alone (one apply) or inside EXEC (one commit of every
// queued command's operations), which is what makes MULTI/EXEC work on every backend.

#include <string>
#include <string_view>
#include <vector>

#include "atomkv/operation.hpp"
#include "atomkv/resp/reply_writer.hpp"
#include "lcs.hpp"

namespace atomkv::proxy {

enum class reply_shape : std::uint8_t {
  single,  // the one result as it is: nil, +OK, bulk, integer or error
  sum,     // the sum of integer results (DEL, EXISTS of several keys)
  values,  // an array of the results (MGET)
  ok,      // +OK whatever the results (MSET)
  flag,    // :1 if the result is ok, :0 if nil (SETNX)
  type,    // the type's name as a status: +string, +none, +list, ... (TYPE)
  keys,    // the listed keys (KEYS)
  scan,    // the next cursor ("0" when done) and the listed keys (SCAN)
  // An integer in ms as whole seconds, rounded as Redis's ttlGenericCommand rounds: (ms+500)/1000;
  // the negative answers (-1 no deadline, -2 missing) as they are (TTL, EXPIRETIME).
  seconds,
  // Nil when the result is nil (a missing key), else planned::error (GETEX with a bad time: Redis
  // looks the key up before it reads the time).
  nil_or_error,
  // LCS from its two values (whole GETRANGEs): a wrong type in either is LCS's own error, then
  // planned::error if any (a bad option: Redis reads the options after the keys), then the reply
  // for planned::lcs.
  lcs,
};

// One planned command's share of a batch of operations.
struct planned {
  std::size_t first = 0;  // index of its first operation in the batch
  std::size_t count = 0;
  reply_shape shape = reply_shape::single;
  std::string_view
      error;        // nil_or_error, lcs: a line of static storage (the plan outlives its text)
  lcs_options lcs;  // lcs
};

// Writes the reply of `p` from `results` (the whole batch's results).
void write_reply(const planned& p, const std::vector<op_result>& results, resp::reply_writer& out);

// Writes one result as Redis would.
void write_result(const op_result& result, resp::reply_writer& out);

// An array of keys, as KEYS answers.
void write_keys(const std::vector<std::string>& keys, resp::reply_writer& out);

}  // namespace atomkv::proxy
