#pragma once
// The string edits of the backend contract (APPEND ... BITFIELD) on a value a backend holds
// itself: memory:// and sqlite:// look the key up, call edit_value under their per-key atomicity,
// and store the value when it says so, keeping the key's deadline.

#include <string>

#include "atomkv/operation.hpp"

namespace atomkv {

// Whether `what` is one of the edits edit_value runs.
bool is_value_edit(operation::kind what);

struct edit_outcome {
  op_result answer;
  // The value changed, or the key was created: store it as a write (a new version, seen by
  // WATCH). Redis signals the key modified in the same cases, except a BITFIELD whose every
  // write failed under OVERFLOW FAIL on a missing key: Redis creates that key without
  // signalling it, and here its creation still counts as a write.
  bool store = false;
};

// Runs `op` (is_value_edit) on `value`, the key's bytes when `exists`, edited in place; when the
// edit creates the key, `exists` becomes true. On an error nothing changes.
edit_outcome edit_value(const operation& op, std::string& value, bool& exists);

}  // namespace atomkv
