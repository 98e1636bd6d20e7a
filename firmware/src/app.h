// The one device instance: the portable core's state, the command
// processor wired to the ESP32 implementation of DeviceControl, and the lock
// that serialises the tasks using them (stream, HTTP server, console).
#pragma once

#include <atomic>
#include <cstdint>

#include "camera_core/camera_state.h"
#include "camera_core/command_processor.h"
#include "camera_core/frame_pool.h"
#include "camera_core/low_memory.h"

namespace cam {

struct App {
  camcore::CameraState state;
  camcore::FramePool pool;
  camcore::LowMemoryMonitor low_memory;
  // Set by the `reset` command, carried out by the stream task (the only
  // task allowed to de-initialise the camera).
  std::atomic<bool> reset_requested{false};
};

App& app();
camcore::CommandProcessor& processor();
uint64_t now_us();

// Creates the lock; call once in setup() before any task starts.
void app_begin();

// Holds the core lock for its lifetime. Never held while waiting on the
// network or the camera; DeviceControl methods run with it held.
class CoreLock {
 public:
  CoreLock();
  ~CoreLock();
  CoreLock(const CoreLock&) = delete;
  CoreLock& operator=(const CoreLock&) = delete;
};

}  // namespace cam
