// Subset of the Arduino-ESP32 2.x WiFi library used by the glue.
// mirrors: libraries/WiFi/src/WiFi.h, WiFiGeneric.h, WiFiAP.h;
//          cores/esp32/IPAddress.h; esp_wifi_types.h (wifi_mode_t)
#pragma once

#include <cstdint>

#include "WString.h"

typedef enum {
  WIFI_MODE_NULL = 0,
  WIFI_MODE_STA,
  WIFI_MODE_AP,
  WIFI_MODE_APSTA,
  WIFI_MODE_MAX
} wifi_mode_t;
#define WIFI_AP WIFI_MODE_AP  // WiFiGeneric.h

class IPAddress {
 public:
  IPAddress(uint32_t address);
  IPAddress(uint8_t first_octet, uint8_t second_octet, uint8_t third_octet, uint8_t fourth_octet);
  String toString() const;
};

class WiFiClass {
 public:
  bool mode(wifi_mode_t);                                                    // WiFiGeneric.h
  bool setSleep(bool enabled);                                               // WiFiGeneric.h
  bool softAP(const char* ssid, const char* passphrase = nullptr, int channel = 1,
              int ssid_hidden = 0, int max_connection = 4, bool ftm_responder = false);  // WiFiAP.h
  bool softAPConfig(IPAddress local_ip, IPAddress gateway, IPAddress subnet,
                    IPAddress dhcp_lease_start = (uint32_t)0);               // WiFiAP.h
  IPAddress softAPIP();                                                      // WiFiAP.h
};
extern WiFiClass WiFi;
