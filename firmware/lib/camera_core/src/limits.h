// Protocol limits and version numbers (docs/protocol.md). One place so the
// reader, the dispatcher, the glue and the tests agree.
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

constexpr int kProtocolVersion = 2;
constexpr const char* kFirmwareVersion = "2.2.0";
constexpr const char* kDeviceName = "esp32s3-ov2640";
constexpr const char* kWelcomeText = "ESP32-S3 Camera Ready - 20fps video stream starting";

constexpr size_t kMaxClients = 3;
// Asynchronous WebSocket sends outstanding at once (see send_tracker.h).
constexpr size_t kMaxOutstandingSends = 4;
constexpr size_t kMaxWsText = 512;      // longest WebSocket text message accepted
constexpr size_t kMaxSerialLine = 256;  // longest serial line accepted (without '\n')
constexpr size_t kMaxIdChars = 32;      // request id, in characters (code points)
constexpr size_t kMaxPingToken = 32;

constexpr int kQualityMin = 0;
constexpr int kQualityMax = 63;
constexpr int kFpsMin = 1;
constexpr int kFpsMax = 30;

constexpr uint32_t kLowMemoryThreshold = 50000;         // bytes of free heap
constexpr uint64_t kLowMemoryPeriodUs = 10ull * 1000000;  // at most one warning per 10 s

}  // namespace camcore
