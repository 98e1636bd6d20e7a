#include "camera_core/ping.h"

#include <cstring>

#include "camera_core/json_writer.h"
#include "camera_core/protocol_limits.h"

namespace camcore {

namespace {
bool token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}
}  // namespace

Ping parse_ping(const char* text, size_t len) {
  Ping ping;
  if (len < 4 || std::memcmp(text, "PING", 4) != 0) return ping;
  if (len == 4) {
    ping.kind = PingKind::Plain;
    return ping;
  }
  const size_t token_len = len - 5;
  if (text[4] != ' ' || token_len == 0 || token_len > kMaxPingToken) return ping;
  for (size_t i = 5; i < len; ++i) {
    if (!token_char(text[i])) return ping;
  }
  ping.kind = PingKind::Token;
  ping.token = text + 5;
  ping.token_len = token_len;
  return ping;
}

size_t write_pong(const Ping& ping, uint64_t rx_us, uint64_t tx_us, char* out, size_t cap) {
  JsonWriter w(out, cap);
  w.begin_object();
  w.field("type", "pong");
  w.field("echo", ping.token, ping.token_len);
  w.field("rx_us", rx_us);
  w.field("tx_us", tx_us);
  w.end_object();
  return w.ok() ? w.size() : 0;
}

}  // namespace camcore
