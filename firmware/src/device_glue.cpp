#include "device_glue.h"

#include <Arduino.h>
#include <sys/time.h>

#include "app.h"
#include "camera.h"
#include "config.h"
#include "web_server.h"

namespace cam {

uint64_t EspDevice::now_us() { return cam::now_us(); }

// esp32-camera 2.0.x stamps camera_fb_t::timestamp with gettimeofday() when a
// frame starts; without SNTP (the camera is its own access point) that
// clock counts from boot, like esp_timer.
uint64_t EspDevice::frame_clock_us() {
  timeval tv = {};
  gettimeofday(&tv, nullptr);
  return static_cast<uint64_t>(tv.tv_sec) * 1000000ull + static_cast<uint64_t>(tv.tv_usec);
}

bool EspDevice::apply_quality(int quality) { return camera_set_quality(quality); }

bool EspDevice::apply_frame_size(uint8_t index) { return camera_set_frame_size(index); }

void EspDevice::request_reset() { app().reset_requested = true; }

bool EspDevice::set_server_running(bool running) {
  web_set_accepting(running);
  return true;
}

int EspDevice::broadcast_test() { return web_broadcast_test(); }

camcore::SystemInfo EspDevice::system_info() {
  camcore::SystemInfo info;
  info.heap = ESP.getFreeHeap();
  info.heap_min = ESP.getMinFreeHeap();
  info.psram = ESP.getPsramSize();
  info.flash = ESP.getFlashChipSize();
  info.xclk_hz = kXclkHz;
  info.sensor = camera_sensor_name();
  return info;
}

}  // namespace cam
