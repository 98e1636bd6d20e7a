// PING handling over the WebSocket (docs/protocol.md): "PING" -> "PONG" (v1),
// "PING <token>" -> a pong JSON carrying the device clock (v2 clock sync).
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

enum class PingKind : uint8_t { NotPing, Plain, Token };

struct Ping {
  PingKind kind = PingKind::NotPing;
  const char* token = nullptr;  // points into the message (Token only)
  size_t token_len = 0;
};

// Exact match only: "PING", or "PING " + 1..32 of [A-Za-z0-9._-]. Anything
// else (lower case, extra spaces, other characters) is not a ping.
Ping parse_ping(const char* text, size_t len);

// {"type":"pong","echo":token,"rx_us":..,"tx_us":..}; returns its length, or
// 0 when `out` is too small.
size_t write_pong(const Ping& ping, uint64_t rx_us, uint64_t tx_us, char* out, size_t cap);

}  // namespace camcore
