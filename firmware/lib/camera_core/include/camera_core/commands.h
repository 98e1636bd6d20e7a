// The command catalogue (docs/protocol.md, "Commands"): one set for the
// WebSocket and the serial console. Names are case-sensitive.
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

enum class CommandId : uint8_t {
  Start, Stop, Reset, Quality, FrameSize, Fps, Info, Stats, Status,
  Verbose, Clear, WebStats, Clients, WebStart, WebStop, WsTest, Help,
};

enum class ArgSpec : uint8_t {
  None,       // any argument is ignored
  Int,        // required integer in [min, max]
  FrameSize,  // required name from the frame-size table
  Toggle,     // optional "on" / "off"
};

struct CommandSpec {
  CommandId id;
  const char* name;
  const char* summary;
  ArgSpec arg;
  int16_t min;
  int16_t max;
  bool serial_only;  // refused with not_allowed over the WebSocket
};

size_t command_count();
const CommandSpec& command_at(size_t index);
// Exact match, or nullptr.
const CommandSpec* find_command(const char* name, size_t len);

}  // namespace camcore
