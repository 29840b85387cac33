#pragma once
// A decoded reply as a tree, for tests, differential checks and benchmarks.

#include <cstdint>
#include <string>
#include <vector>

namespace atomkv::resp {

enum class reply_kind {
  simple_string,  // +
  error,          // - (and RESP3 blob error !)
  integer,        // :
  bulk_string,    // $
  null,           // RESP3 _, RESP2 $-1
  null_array,     // RESP2 *-1
  array,          // *
  map,            // %  children: key, value, key, value, ...
  set,            // ~
  double_value,   // ,  text in str (e.g. "1.5", "inf", "nan")
  boolean,        // #  integer is 1 or 0
  verbatim,       // =  format in format, text in str
  big_number,     // (  digits in str
  push,           // >
  attribute,      // |  children: key, value, ...; it precedes the value it annotates
};

struct reply_value {
  reply_kind kind = reply_kind::null;
  std::string str;                    // simple, error, bulk, double text, verbatim text, big number
  std::int64_t integer = 0;           // integer, boolean
  std::string format;                 // verbatim's three-character format
  std::vector<reply_value> children;  // array, map, set, push, attribute

  friend bool operator==(const reply_value&, const reply_value&) = default;
};

const char* to_string(reply_kind kind);

}  // namespace atomkv::resp
