#pragma once
// A read on a read connection: one transaction (one snapshot of the file), its log overlay caught
// up first, so that the table and the log agree (log_overlay.hpp).

#include <utility>

#include "connection.hpp"
#include "schema.hpp"

namespace atomkv::sqlite {

template <class Read>
auto in_snapshot(connection& c, Read&& read) -> decltype(read()) {
  BOOST_OUTCOME_TRY(c.run(sql::begin_read));
  auto caught_up = c.overlay().catch_up(c);
  auto done = caught_up ? std::forward<Read>(read)() : decltype(read())(caught_up.error());
  auto ended = c.run(sql::commit);
  if (done && !ended) {
    return failure(std::move(ended).error());
  }
  return done;
}

}  // namespace atomkv::sqlite
