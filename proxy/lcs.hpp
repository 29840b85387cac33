#pragma once
// LCS: the longest common subsequence of two values and the reply Redis 7.0's lcsCommand
// (src/t_string.c) writes for it: the subsequence, its length (LEN), or the matching ranges
// (IDX, MINMATCHLEN, WITHMATCHLEN), found by the same table and the same walk back through it,
// so that equal-length answers and ranges come out as Redis's do.

#include <cstdint>
#include <string_view>

#include "atomkv/resp/reply_writer.hpp"

namespace atomkv::proxy {

struct lcs_options {
  bool length_only = false;           // LEN
  bool ranges = false;                // IDX
  bool with_match_length = false;     // WITHMATCHLEN
  std::int64_t min_match_length = 0;  // MINMATCHLEN, 0 for any
};

// The error line Redis gives when a key holds a value that is not a string.
inline constexpr std::string_view lcs_wrong_type =
    "ERR The specified keys must contain string values";

// Writes LCS's reply for the values `a` and `b` (a missing key is ""), or Redis's error when the
// table LCS needs would pass `max_table_bytes` (proto-max-bulk-len) or cannot be allocated.
void write_lcs(std::string_view a, std::string_view b, const lcs_options& options,
               std::int64_t max_table_bytes, resp::reply_writer& out);

}  // namespace atomkv::proxy
