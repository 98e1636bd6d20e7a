// mirrors: arduino-esp32 2.0.17 cores/esp32/Esp.h (subset), included by Arduino.h.
#pragma once

#include <stdint.h>

class EspClass {
 public:
  uint32_t getFreeHeap();
  uint32_t getMinFreeHeap();
  uint32_t getPsramSize();
  uint32_t getFlashChipSize();
};
extern EspClass ESP;
