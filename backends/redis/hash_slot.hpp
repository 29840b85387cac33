#pragma once
// Redis Cluster's hash slot of a key: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.
// The hash tag is what lies between the first '{' and the first '}' after it, when that is not
// empty, so that "{user1}.name" and "{user1}.age" share a slot (src/cluster.c, keyHashSlot).

#include <cstdint>
#include <string_view>

namespace atomkv::redis {

inline constexpr std::uint16_t kHashSlots = 16384;

// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, no reflection.
std::uint16_t crc16_xmodem(std::string_view bytes);

// The part of `key` that is hashed: its non-empty hash tag, or the whole key.
std::string_view hashed_part(std::string_view key);

std::uint16_t hash_slot(std::string_view key);

}  // namespace atomkv::redis
