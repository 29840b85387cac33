#pragma once
// Names shared by the request and reply sides of the codec.

namespace atomkv::resp {

// The reply protocol of one connection: RESP2 until the client sends HELLO 3.
enum class protocol { resp2 = 2, resp3 = 3 };

// What a decoder call produced.
enum class decode_status {
  complete,   // one value was decoded; consumed() bytes may now be dropped
  need_more,  // the buffer ends inside a value; append more bytes and call again
  error,      // the bytes are not valid protocol; error_message() says why
};

}  // namespace atomkv::resp
