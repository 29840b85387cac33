#pragma once
// Splits an inline request line into arguments with Redis's sdssplitargs rules.

#include <string>
#include <string_view>
#include <vector>

namespace atomkv::resp::detail {

// Appends the arguments of `line` to `args`. Unquoted arguments view `line`; quoted ones are
// unescaped into `storage`, which must be empty on entry (it is reserved once to the line's
// length so that views into it stay valid). Returns false on unbalanced quotes, including a
// closing quote followed by something other than a space.
//
// Rules (sds.c sdssplitargs): blanks between arguments are C isspace(); an unquoted argument
// ends at ' ', '\t', '\r' or '\n'; "..." understands \xHH \n \r \t \b \a and \<any> for that
// character; '...' understands only \'; a quote may start in the middle of an argument.
bool split_args(std::string_view line, std::vector<std::string_view>& args, std::string& storage);

}  // namespace atomkv::resp::detail
