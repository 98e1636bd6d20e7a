#include "wifi_ap.h"

#include <WiFi.h>

#include <cstring>

#include "config.h"
#include "console.h"

namespace cam {

bool wifi_begin() {
  const char* ssid = CAM_AP_SSID;
  const char* password = CAM_AP_PASSWORD;
  const size_t password_len = std::strlen(password);
  // WPA2 needs 8..63 characters; an empty password means an open network.
  if (password_len != 0 && (password_len < 8 || password_len > 63)) {
    log_line("ERROR", "WiFi password must be 8-63 characters (or empty for an open AP)");
    return false;
  }
  WiFi.mode(WIFI_AP);
  const IPAddress ip(192, 168, 4, 1);
  const IPAddress subnet(255, 255, 255, 0);
  if (!WiFi.softAPConfig(ip, ip, subnet) ||
      !WiFi.softAP(ssid, password_len == 0 ? nullptr : password, kApChannel, 0, kApMaxStations)) {
    log_line("ERROR", "WiFi AP failed to start");
    return false;
  }
  WiFi.setSleep(false);  // modem sleep adds tens of ms of latency per frame
  log_line("SUCCESS", "WiFi AP started: %s", ssid);
  log_line("WiFi", "IP address: %s", WiFi.softAPIP().toString().c_str());
  return true;
}

}  // namespace cam
