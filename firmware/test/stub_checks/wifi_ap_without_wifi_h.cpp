// Must NOT compile: WIFI_AP comes from WiFiType.h (through WiFi.h), not Arduino.h.
#include <Arduino.h>
int mode() { return WIFI_AP; }
