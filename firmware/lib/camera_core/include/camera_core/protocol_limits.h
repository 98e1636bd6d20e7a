// Protocol limits, names and version numbers (docs/protocol.md). One place so
// the reader, the dispatcher, the glue and the tests agree.
#pragma once

#include <cstddef>
#include <cstdint>

// The firmware version has one source, firmware/VERSION: PlatformIO
// (scripts/build_config.py), CMake (test/CMakeLists.txt), the fuzz build
// (test/fuzz/run.sh) and the Python package (protocol.py) all read it.
#ifndef CAMCORE_FIRMWARE_VERSION
#error "CAMCORE_FIRMWARE_VERSION is not defined: the build must pass -DCAMCORE_FIRMWARE_VERSION from firmware/VERSION"
#endif

namespace camcore {

constexpr int kProtocolVersion = 2;
constexpr const char* kFirmwareVersion = CAMCORE_FIRMWARE_VERSION;
constexpr const char* kDeviceName = "esp32s3-ov2640";
constexpr const char* kWelcomeText = "ESP32-S3 Camera Ready - 20fps video stream starting";

constexpr size_t kMaxClients = 3;
// Asynchronous WebSocket sends outstanding at once (see send_tracker.h).
constexpr size_t kMaxOutstandingSends = 4;
constexpr size_t kMaxWsText = 512;      // longest WebSocket text message accepted
constexpr size_t kMaxSerialLine = 256;  // longest serial line accepted (without '\n')
constexpr size_t kMaxIdChars = 32;      // request id, in characters (code points)
constexpr size_t kMaxPingToken = 32;

// A refused WebSocket upgrade: 503 with this header naming the reason.
constexpr const char* kRejectHeader = "X-Reject-Reason";
constexpr const char* kRejectMaxClients = "max-clients";
constexpr const char* kRejectServerStopped = "server-stopped";

constexpr int kQualityMin = 0;
constexpr int kQualityMax = 63;
constexpr int kFpsMin = 1;
constexpr int kFpsMax = 30;

constexpr uint32_t kLowMemoryThreshold = 50000;         // bytes of free heap
constexpr uint64_t kLowMemoryPeriodUs = 10ull * 1000000;  // at most one warning per 10 s

}  // namespace camcore
