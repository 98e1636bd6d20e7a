#include "camera_core/commands.h"

#include <cstring>

#include "camera_core/protocol_limits.h"

namespace camcore {

namespace {
// Summaries match the emulator's catalogue (esp32_drone_camera/commands.py).
constexpr CommandSpec kCommands[] = {
    {CommandId::Start, "start", "start video streaming", ArgSpec::None, 0, 0, false},
    {CommandId::Stop, "stop", "stop video streaming", ArgSpec::None, 0, 0, false},
    {CommandId::Reset, "reset", "reset the camera module", ArgSpec::None, 0, 0, false},
    {CommandId::Quality, "quality", "set JPEG quality (0-63, lower is better)", ArgSpec::Int,
     kQualityMin, kQualityMax, false},
    {CommandId::FrameSize, "framesize", "set the frame size", ArgSpec::FrameSize, 0, 0, false},
    {CommandId::Fps, "fps", "set the target frame rate (1-30)", ArgSpec::Int, kFpsMin, kFpsMax,
     false},
    {CommandId::Info, "info", "camera and system information", ArgSpec::None, 0, 0, false},
    {CommandId::Stats, "stats", "detailed performance statistics", ArgSpec::None, 0, 0, false},
    {CommandId::Status, "status", "complete system status", ArgSpec::None, 0, 0, false},
    {CommandId::Verbose, "verbose", "toggle detailed logging (on/off)", ArgSpec::Toggle, 0, 0,
     false},
    {CommandId::Clear, "clear", "clear statistics counters", ArgSpec::None, 0, 0, false},
    {CommandId::WebStats, "webstats", "WebSocket server statistics", ArgSpec::None, 0, 0, false},
    {CommandId::Clients, "clients", "list connected clients", ArgSpec::None, 0, 0, false},
    {CommandId::WebStart, "webstart", "start the WebSocket server", ArgSpec::None, 0, 0, true},
    {CommandId::WebStop, "webstop", "stop the WebSocket server", ArgSpec::None, 0, 0, true},
    {CommandId::WsTest, "wstest", "send a test message to clients", ArgSpec::None, 0, 0, false},
    {CommandId::Help, "help", "list commands", ArgSpec::None, 0, 0, false},
};
}  // namespace

size_t command_count() { return sizeof(kCommands) / sizeof(kCommands[0]); }

const CommandSpec& command_at(size_t index) { return kCommands[index]; }

const CommandSpec* find_command(const char* name, size_t len) {
  for (const CommandSpec& c : kCommands) {
    if (std::strlen(c.name) == len && std::memcmp(c.name, name, len) == 0) return &c;
  }
  return nullptr;
}

}  // namespace camcore
