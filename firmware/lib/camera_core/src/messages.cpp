#include "camera_core/messages.h"

#include "camera_core/protocol_limits.h"

namespace camcore {

size_t write_welcome(const CameraState& state, bool auth, char* out, size_t cap) {
  const FrameSize* size = frame_size_at(state.settings.frame_size);
  JsonWriter w(out, cap);
  w.begin_object();
  w.field("type", "welcome");
  w.field("message", kWelcomeText);
  w.field("protocol", kProtocolVersion);
  w.field("firmware", kFirmwareVersion);
  w.field("device", kDeviceName);
  w.field("frame_size", size->name);
  w.field("width", static_cast<uint32_t>(size->width));
  w.field("height", static_cast<uint32_t>(size->height));
  w.field("quality", static_cast<uint32_t>(state.settings.quality));
  w.field("fps_target", static_cast<uint32_t>(state.pacer.fps()));
  w.field("auth", auth);
  w.field("max_clients", static_cast<uint32_t>(kMaxClients));
  w.end_object();
  return w.ok() ? w.size() : 0;
}

size_t write_status(const CameraState& state, const SystemInfo& sys, uint32_t drops,
                    uint64_t now_us, char* out, size_t cap) {
  JsonWriter w(out, cap);
  w.begin_object();
  w.field("type", "status");
  write_status_fields(w, state, sys, drops, now_us);
  w.end_object();
  return w.ok() ? w.size() : 0;
}

size_t write_test_message(char* out, size_t cap) {
  JsonWriter w(out, cap);
  w.begin_object();
  w.field("type", "test");
  w.field("message", "WebSocket test message");
  w.end_object();
  return w.ok() ? w.size() : 0;
}

}  // namespace camcore
