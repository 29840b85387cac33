#include "plan.hpp"

#include "atomkv/string_edits.hpp"

namespace atomkv::proxy {

void write_result(const op_result& result, resp::reply_writer& out) {
  switch (result.what) {
    case op_result::kind::nil:
      out.null();
      return;
    case op_result::kind::ok:
      out.simple("OK");
      return;
    case op_result::kind::value:
      out.bulk(result.text);
      return;
    case op_result::kind::integer:
      out.integer(result.integer);
      return;
    case op_result::kind::error:
      out.error(result.text);
      return;
    case op_result::kind::keys:
      write_keys(result.keys, out);
      return;
    case op_result::kind::integers:  // BITFIELD: nil for a step that failed under OVERFLOW FAIL
      out.array_header(result.integers.size());
      for (const auto& item : result.integers) {
        if (item) {
          out.integer(*item);
        } else {
          out.null();
        }
      }
      return;
  }
}

void write_keys(const std::vector<std::string>& keys, resp::reply_writer& out) {
  out.array_header(keys.size());
  for (const auto& key : keys) {
    out.bulk(key);
  }
}

namespace {

void write_lcs_reply(const planned& p, const op_result* values, resp::reply_writer& out) {
  for (int i = 0; i < 2; ++i) {
    if (values[i].what == op_result::kind::error) {
      // On Redis, reading a list, a hash, ... is WRONGTYPE; LCS says it in its own words.
      out.error(values[i].text.starts_with("WRONGTYPE ") ? lcs_wrong_type
                                                         : std::string_view(values[i].text));
      return;
    }
  }
  if (!p.error.empty()) {
    out.error(p.error);
    return;
  }
  // Redis's default proto-max-bulk-len bounds the table LCS builds.
  write_lcs(values[0].text, values[1].text, p.lcs, string_edits::max_length, out);
}

}  // namespace

void write_reply(const planned& p, const std::vector<op_result>& results, resp::reply_writer& out) {
  const op_result* first = results.data() + p.first;
  if (p.shape == reply_shape::lcs) {
    write_lcs_reply(p, first, out);
    return;
  }
  // An error of any operation is the command's reply (a wrong type on Redis, for example).
  for (std::size_t i = 0; i < p.count; ++i) {
    if (first[i].what == op_result::kind::error) {
      out.error(first[i].text);
      return;
    }
  }
  switch (p.shape) {
    case reply_shape::single:
      write_result(*first, out);
      return;
    case reply_shape::sum: {
      std::int64_t total = 0;
      for (std::size_t i = 0; i < p.count; ++i) {
        total += first[i].integer;
      }
      out.integer(total);
      return;
    }
    case reply_shape::values:
      out.array_header(p.count);
      for (std::size_t i = 0; i < p.count; ++i) {
        write_result(first[i], out);
      }
      return;
    case reply_shape::ok:
      out.simple("OK");
      return;
    case reply_shape::flag:
      out.integer(first->what == op_result::kind::ok ? 1 : 0);
      return;
    case reply_shape::type:
      out.simple(first->text);
      return;
    case reply_shape::keys:
      write_keys(first->keys, out);
      return;
    case reply_shape::scan:
      out.array_header(2);
      out.bulk(first->text.empty() ? std::string_view("0") : std::string_view(first->text));
      write_keys(first->keys, out);
      return;
    case reply_shape::seconds: {
      // Unsigned, so a deadline near INT64_MAX rounds up as redis-server's build computes it.
      const std::int64_t ms = first->integer;
      out.integer(
          ms < 0 ? ms : static_cast<std::int64_t>((static_cast<std::uint64_t>(ms) + 500) / 1000));
      return;
    }
    case reply_shape::lcs:
      return;  // written above
    case reply_shape::nil_or_error:
      if (first->what == op_result::kind::nil) {
        out.null();
      } else {
        out.error(p.error);
      }
      return;
  }
}

}  // namespace atomkv::proxy
