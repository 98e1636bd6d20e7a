// mirrors: arduino-esp32 2.0.17 libraries/WiFi/src/WiFiGeneric.h (subset).
// `mode` is static there, as here.
#pragma once

#include "IPAddress.h"
#include "WiFiType.h"
#include "esp_err.h"
#include "esp_wifi_types.h"

class WiFiGenericClass {
 public:
  static bool mode(wifi_mode_t);
  static wifi_mode_t getMode();
  bool setSleep(bool enabled);
  bool setSleep(wifi_ps_type_t sleepType);
};
