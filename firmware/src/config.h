// Build-time configuration. Every value can be overridden with a build flag
// (platformio.ini reads them from environment variables), so credentials
// never have to be edited into the source.
#pragma once

#include <cstdint>

// WiFi access point, defaults as in the device README.
#ifndef CAM_AP_SSID
#define CAM_AP_SSID "ESP32-S3_Drone_30fps"
#endif
#ifndef CAM_AP_PASSWORD
#define CAM_AP_PASSWORD "drone2024"
#endif
// Command token for WebSocket commands; empty = no authentication.
#ifndef CAM_COMMAND_TOKEN
#define CAM_COMMAND_TOKEN ""
#endif

namespace cam {

constexpr uint16_t kHttpPort = 8080;
constexpr uint8_t kApChannel = 1;
constexpr uint8_t kApMaxStations = 4;  // three viewers plus a spare for a page load

constexpr uint32_t kXclkHz = 20000000;
constexpr int kCaptureFailuresBeforeReinit = 5;
constexpr uint32_t kResetDarkMs = 1000;  // `reset`: streaming resumes after ~1 s

constexpr uint32_t kWatchdogSeconds = 10;
constexpr uint32_t kStatusPeriodMs = 1000;
constexpr uint32_t kConsoleReportPeriodMs = 10000;  // the README's serial status block

// Each outgoing frame slot holds one JPEG plus the APP4 segment. The
// driver's JPEG buffer for the largest frame size (XGA) is width*height/5
// = 157 286 bytes (camcore::kLargestJpegBufferBytes), so a camera frame
// always fits (static_assert in camera.cpp).
constexpr uint32_t kFrameSlotBytes = 192 * 1024;

}  // namespace cam
