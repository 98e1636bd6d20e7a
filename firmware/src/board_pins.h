// OV2640 pin maps. Select the board with a build flag (platformio.ini sets
// one per environment). Values from espressif/arduino-esp32
// libraries/ESP32/examples/Camera/CameraWebServer/camera_pins.h; the Freenove
// ESP32-S3-WROOM CAM uses the ESP32-S3-EYE map (Freenove's docs select
// CAMERA_MODEL_ESP32S3_EYE for it).
#pragma once

namespace cam {

struct CameraPins {
  int pwdn, reset, xclk, sccb_sda, sccb_scl;
  int d7, d6, d5, d4, d3, d2, d1, d0;  // Y9 .. Y2
  int vsync, href, pclk;
};

#if defined(CAM_BOARD_ESP32S3_EYE)
constexpr CameraPins kCameraPins = {-1, -1, 15, 4, 5, 16, 17, 18, 12, 10, 8, 9, 11, 6, 7, 13};
constexpr const char* kBoardName = "ESP32-S3-EYE / Freenove ESP32-S3-WROOM CAM";
#elif defined(CAM_BOARD_XIAO_ESP32S3_SENSE)
constexpr CameraPins kCameraPins = {-1, -1, 10, 40, 39, 48, 11, 12, 14, 16, 18, 17, 15, 38, 47, 13};
constexpr const char* kBoardName = "Seeed XIAO ESP32S3 Sense";
#else
#error "Select a board: -DCAM_BOARD_ESP32S3_EYE or -DCAM_BOARD_XIAO_ESP32S3_SENSE"
#endif

}  // namespace cam
