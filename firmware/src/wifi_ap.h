// The WiFi access point: SSID/password from the build (config.h), device at
// 192.168.4.1/24.
#pragma once

namespace cam {

bool wifi_begin();

}  // namespace cam
