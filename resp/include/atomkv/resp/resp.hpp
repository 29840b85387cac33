#pragma once
// The RESP codec: bytes in, requests out; replies in, bytes out. No sockets.

#include "atomkv/resp/protocol.hpp"
#include "atomkv/resp/reply_decoder.hpp"
#include "atomkv/resp/reply_value.hpp"
#include "atomkv/resp/reply_writer.hpp"
#include "atomkv/resp/request.hpp"
#include "atomkv/resp/request_decoder.hpp"
