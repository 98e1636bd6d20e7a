// camcore::DeviceControl on the ESP32: sensor settings through the camera
// module, server control through the web server, system figures from the
// Arduino core. Called by the command processor with the core lock held.
#pragma once

#include "camera_core/device_control.h"

namespace cam {

class EspDevice : public camcore::DeviceControl {
 public:
  uint64_t now_us() override;
  uint64_t frame_clock_us() override;
  bool apply_quality(int quality) override;
  bool apply_frame_size(uint8_t index) override;
  void request_reset() override;
  bool set_server_running(bool running) override;
  int broadcast_test() override;
  camcore::SystemInfo system_info() override;
};

}  // namespace cam
