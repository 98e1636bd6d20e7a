#include "device_glue.h"

#include <Arduino.h>

#include "app.h"
#include "camera.h"
#include "config.h"
#include "web_server.h"

namespace cam {

uint64_t EspDevice::now_us() { return cam::now_us(); }

uint64_t EspDevice::frame_clock_us() { return camera_frame_clock_us(); }

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
