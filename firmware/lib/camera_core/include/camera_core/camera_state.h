// Everything the core knows about the running device, in one object the glue
// owns (statically) and guards with one lock.
#pragma once

#include <cstdint>

#include "camera_core/client_table.h"
#include "camera_core/frame_pacer.h"
#include "camera_core/frame_sizes.h"
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
  FramePacer pacer{20};
  StreamStats stats;
  ClientTable clients;
};

}  // namespace camcore
