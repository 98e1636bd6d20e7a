// What the portable core needs from the hardware. The firmware glue
// (firmware/src/device_glue.*) implements it on the ESP32; the host tests use a
// fake. Everything here may be called with the core's lock held, so an
// implementation must not call back into the core.
#pragma once

#include <cstdint>

namespace camcore {

struct SystemInfo {
  uint32_t heap = 0;      // free heap now, bytes
  uint32_t heap_min = 0;  // lowest free heap since boot, bytes
  uint32_t psram = 0;     // PSRAM size, bytes
  uint32_t flash = 0;     // flash chip size, bytes
  uint32_t xclk_hz = 0;   // camera XCLK
  const char* sensor = "";
};

class DeviceControl {
 public:
  virtual ~DeviceControl() = default;

  // Device clock in µs since boot (esp_timer_get_time): frame capture times,
  // pong rx/tx and uptime all use it.
  virtual uint64_t now_us() = 0;
  // The clock of the driver's frame start times (camera_fb_t::timestamp):
  // settings changes are timed on it (settings_timeline.h). The host's
  // fakes use now_us().
  virtual uint64_t frame_clock_us() { return now_us(); }
  // Sensor register writes; false when the sensor refused (reply `failed`).
  virtual bool apply_quality(int quality) = 0;
  virtual bool apply_frame_size(uint8_t index) = 0;
  // Close every WebSocket client (1012) and re-initialise the camera; the
  // actual work happens later, outside the command's context.
  virtual void request_reset() = 0;
  // Start/stop accepting WebSocket clients (stopping closes the current ones).
  virtual bool set_server_running(bool running) = 0;
  // Queue {"type":"test"} to every client; returns how many were queued.
  virtual int broadcast_test() = 0;
  virtual SystemInfo system_info() = 0;
};

}  // namespace camcore
