#include "lcs.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

namespace atomkv::proxy {
namespace {

// One common run of bytes: a[a_first..a_last] equals b[b_first..b_last].
struct lcs_range {
  std::uint32_t a_first = 0, a_last = 0, b_first = 0, b_last = 0;
  std::uint32_t length() const { return a_last - a_first + 1; }
};

}  // namespace

void write_lcs(std::string_view a, std::string_view b, const lcs_options& options,
               std::int64_t max_table_bytes, resp::reply_writer& out) {
  constexpr auto kLimit = std::numeric_limits<std::uint32_t>::max() - 1;
  if (a.size() >= kLimit || b.size() >= kLimit) {
    out.error("ERR String too long for LCS");
    return;
  }
  const auto alen = static_cast<std::uint32_t>(a.size());
  const auto blen = static_cast<std::uint32_t>(b.size());
  const std::uint64_t width = std::uint64_t{blen} + 1;
  const std::uint64_t cells = (std::uint64_t{alen} + 1) * width;  // below 2^64: both below 2^32
  std::uint64_t bytes = 0;
  std::unique_ptr<std::uint32_t[]> table;
  if (!__builtin_mul_overflow(cells, sizeof(std::uint32_t), &bytes) &&
      bytes < std::numeric_limits<std::size_t>::max()) {
    if (bytes > static_cast<std::uint64_t>(max_table_bytes)) {
      out.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
      return;
    }
    table.reset(new (std::nothrow) std::uint32_t[cells]);
  }
  if (!table) {
    out.error("ERR Insufficient memory, failed allocating transient memory for LCS");
    return;
  }
  // cell(i, j): the length of the LCS of a's first i bytes and b's first j bytes.
  auto cell = [&](std::uint32_t i, std::uint32_t j) -> std::uint32_t& {
    return table[j + i * width];
  };
  for (std::uint32_t i = 0; i <= alen; ++i) {
    for (std::uint32_t j = 0; j <= blen; ++j) {
      if (i == 0 || j == 0) {
        cell(i, j) = 0;
      } else if (a[i - 1] == b[j - 1]) {
        cell(i, j) = cell(i - 1, j - 1) + 1;
      } else {
        cell(i, j) = std::max(cell(i - 1, j), cell(i, j - 1));
      }
    }
  }
  const std::uint32_t total = cell(alen, blen);
  if (options.length_only && !options.ranges) {
    out.integer(total);
    return;
  }

  // Walk back from the end: a match extends the current run or starts one, a mismatch moves
  // toward the larger neighbour (b's side on a tie) and ends the current run. Runs are found
  // last first, which is the order Redis reports them in.
  std::string common(total, '\0');
  std::uint32_t filled = total;
  std::vector<lcs_range> runs;
  std::optional<lcs_range> run;
  std::uint32_t i = alen, j = blen;
  while (i > 0 && j > 0) {
    bool ends_run = false;
    if (a[i - 1] == b[j - 1]) {
      common[--filled] = a[i - 1];
      if (!run) {
        run = lcs_range{i - 1, i - 1, j - 1, j - 1};
      } else {
        // Always contiguous: a mismatch in between would have ended the run.
        --run->a_first;
        --run->b_first;
      }
      ends_run = run->a_first == 0 || run->b_first == 0;  // the walk stops after this byte
      --i;
      --j;
    } else {
      if (cell(i - 1, j) > cell(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      ends_run = run.has_value();
    }
    if (ends_run) {
      if (options.min_match_length == 0 ||
          static_cast<std::int64_t>(run->length()) >= options.min_match_length) {
        runs.push_back(*run);
      }
      run.reset();
    }
  }
  if (!options.ranges) {
    out.bulk(common);
    return;
  }
  out.map_header(2);
  out.bulk("matches");
  out.array_header(runs.size());
  for (const auto& r : runs) {
    out.array_header(options.with_match_length ? 3 : 2);
    out.array_header(2);
    out.integer(r.a_first);
    out.integer(r.a_last);
    out.array_header(2);
    out.integer(r.b_first);
    out.integer(r.b_last);
    if (options.with_match_length) {
      out.integer(r.length());
    }
  }
  out.bulk("len");
  out.integer(total);
}

}  // namespace atomkv::proxy
