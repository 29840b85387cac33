#pragma once
// OBJECT's answers about a string value on atomkv's own backends (memory://, sqlite://), in
// Redis's vocabulary (object.c, tryObjectEncoding in Redis 7.0).

#include <string_view>

#include "atomkv/operation.hpp"

namespace atomkv {

// The answer for the value of an existing key:
// - encoding: "int" for what Redis's string2l accepts within 20 characters (counter::parse),
//   "embstr" up to 44 bytes, "raw" beyond. This is what Redis reports for a value that was SET.
//   atomkv stores bytes alone, so a value edited in place (APPEND to an existing key, SETRANGE,
//   SETBIT, BITFIELD, BITOP), which Redis reports as "raw", and INCRBYFLOAT's result, which Redis
//   never reports as "int", are described by their bytes too.
// - refcount: 2147483647 for an "int" from 0 to 9999 (Redis's shared integers, as with its
//   default maxmemory 0), else 1.
// - idletime: 0; atomkv's own backends do not track access times.
// - freq: Redis's error for a server without an LFU maxmemory policy (atomkv's is noeviction).
op_result object_answer(object_field field, std::string_view value);

}  // namespace atomkv
