// Fixed texts of the serial console (the stock firmware's README is a
// compatibility contract for them), as arrays so their lengths are sizeof-1,
// never counted by hand.
#pragma once

#include <cstddef>

#include "camera_core/protocol_limits.h"

namespace camcore {

constexpr char kConsoleBanner[] = "ESP32-S3 Drone Camera System v" CAMCORE_FIRMWARE_VERSION
                                  "\n"
                                  "Protocol v2 WebSocket streaming, 20fps target\n"
                                  "==================================================";
constexpr char kReportTitle[] = "=== 20fps Video Stream Status ===";
constexpr char kReportRule[] = "==================================";

// Length of a string literal or constexpr char array, without its '\0'.
template <size_t N>
constexpr size_t text_length(const char (&)[N]) {
  return N - 1;
}

}  // namespace camcore
