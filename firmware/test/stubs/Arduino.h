// Subset of the Arduino-ESP32 2.x core API used by the glue.
// mirrors: cores/esp32/Arduino.h, esp32-hal-misc.c (millis, delay),
//          cores/esp32/HardwareSerial.h / HWCDC.h (Serial), cores/esp32/Esp.h (ESP)
#pragma once

#include <cstddef>
#include <cstdint>

#include "WString.h"

unsigned long millis();        // esp32-hal.h
void delay(uint32_t ms);       // esp32-hal.h

// With ARDUINO_USB_CDC_ON_BOOT=1 `Serial` is an HWCDC; HardwareSerial has the
// same members for what the glue uses (both derive from Stream/Print).
class HardwareSerial {
 public:
  void begin(unsigned long baud, uint32_t config = 0x800001c, int8_t rxPin = -1,
             int8_t txPin = -1, bool invert = false, unsigned long timeout_ms = 20000UL,
             uint8_t rxfifo_full_thrhd = 112);
  int available();
  int read();
  size_t write(const uint8_t* buffer, size_t size);
};
extern HardwareSerial Serial;

class EspClass {
 public:
  uint32_t getFreeHeap();
  uint32_t getMinFreeHeap();
  uint32_t getPsramSize();
  uint32_t getFlashChipSize();
};
extern EspClass ESP;

void setup();
void loop();
