// Everything the core knows about the running device, in one object the glue
// owns (statically) and guards with one lock.
#pragma once

#include <cstdint>

#include "camera_core/client_table.h"
#include "camera_core/frame_pacer.h"
#include "camera_core/frame_sizes.h"
#include "camera_core/settings_timeline.h"
#include "camera_core/stream_stats.h"

namespace camcore {

struct Settings {
  bool streaming = true;
  uint8_t quality = 12;
  uint8_t frame_size = kFrameSizeVga;
  bool verbose = false;
  bool server_running = true;
};

struct CameraState {
  Settings settings;
  // What each captured frame was taken with (settings changes are not
  // instantaneous on a streaming sensor): see settings_timeline.h.
  SettingsTimeline timeline{FrameSettings{settings.frame_size, settings.quality}};
  FramePacer pacer{20};
  StreamStats stats;
  ClientTable clients;
};

}  // namespace camcore
