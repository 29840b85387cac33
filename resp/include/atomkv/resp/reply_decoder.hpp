#pragma once
// Turns a server's reply bytes (RESP2 or RESP3) into reply_value trees.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "atomkv/resp/protocol.hpp"
#include "atomkv/resp/reply_value.hpp"

namespace atomkv::resp {

// Incremental like request_decoder, with the same contract: `buffer` holds every byte not yet
// dropped; on complete, drop consumed() bytes; on need_more, drop nothing and call again with
// more bytes appended. Parsing resumes where it stopped: finished elements of a partly received
// aggregate are kept, not parsed again. Attributes ("|") are returned as their own value.
// Streamed RESP3 types ("$?", "*?") are not supported and are an error.
class reply_decoder {
 public:
  decode_status decode(std::string_view buffer, reply_value& out);

  std::size_t consumed() const { return consumed_; }
  const std::string& error_message() const { return error_; }
  void reset();

 private:
  struct frame {
    reply_value value;
    std::size_t left;  // children still expected
  };

  decode_status fail(std::string message);

  std::size_t pos_ = 0;
  std::size_t consumed_ = 0;
  bool failed_ = false;
  std::string error_;
  std::vector<frame> stack_;
};

}  // namespace atomkv::resp
