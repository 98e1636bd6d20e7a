// Device -> client JSON messages other than replies: welcome and status
// (docs/protocol.md). Each writes into a caller-owned buffer and returns the
// length, or 0 when the buffer is too small.
#pragma once

#include <cstddef>
#include <cstdint>

#include "camera_core/camera_state.h"
#include "camera_core/device_control.h"
#include "camera_core/json_writer.h"

namespace camcore {

size_t write_welcome(const CameraState& state, bool auth, char* out, size_t cap);

// The status fields without "type", shared by the status message (W =
// JsonWriter) and the `status` command (W = ResultWriter, which also prints
// them for a person). `drops` is the frames skipped for the receiving client.
template <typename W>
void write_status_fields(W& w, const CameraState& state, const SystemInfo& sys, uint32_t drops,
                         uint64_t now_us) {
  w.field("frame", state.stats.frames());
  w.field_tenths("fps", state.stats.fps_tenths());
  w.field("timestamp", static_cast<uint64_t>(now_us / 1000));
  w.field("heap", sys.heap);
  w.field("clients", static_cast<uint32_t>(state.clients.count()));
  w.field("heap_min", sys.heap_min);
  w.field("drops", drops);
  w.field("streaming", state.settings.streaming);
  w.field("quality", static_cast<uint32_t>(state.settings.quality));
  w.field("frame_size", frame_size_at(state.settings.frame_size)->name);
  w.field("fps_target", static_cast<uint32_t>(state.pacer.fps()));
  w.field("uptime_us", now_us);
}

size_t write_status(const CameraState& state, const SystemInfo& sys, uint32_t drops,
                    uint64_t now_us, char* out, size_t cap);

// {"type":"test","message":"WebSocket test message"} (the `wstest` command).
size_t write_test_message(char* out, size_t cap);

}  // namespace camcore
