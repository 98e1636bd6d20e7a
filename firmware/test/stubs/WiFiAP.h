// mirrors: arduino-esp32 2.0.17 libraries/WiFi/src/WiFiAP.h (subset).
#pragma once

#include "IPAddress.h"
#include "WiFiGeneric.h"
#include "WiFiType.h"
#include "esp_wifi_types.h"

class WiFiAPClass {
 public:
  bool softAP(const char* ssid, const char* passphrase = nullptr, int channel = 1,
              int ssid_hidden = 0, int max_connection = 4, bool ftm_responder = false);
  bool softAPConfig(IPAddress local_ip, IPAddress gateway, IPAddress subnet,
                    IPAddress dhcp_lease_start = (uint32_t)0);
  IPAddress softAPIP();
};
