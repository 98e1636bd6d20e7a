// mirrors: arduino-esp32 2.0.17 libraries/WiFi/src/WiFiType.h (subset). The
// Arduino names for the ESP-IDF modes (wifi_mode_t is esp_wifi_types.h's).
#pragma once

#define WiFiMode_t wifi_mode_t
#define WIFI_OFF WIFI_MODE_NULL
#define WIFI_STA WIFI_MODE_STA
#define WIFI_AP WIFI_MODE_AP
#define WIFI_AP_STA WIFI_MODE_APSTA
