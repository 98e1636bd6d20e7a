// mirrors: arduino-esp32 2.0.17 cores/esp32/HardwareSerial.h (subset). With
// ARDUINO_USB_CDC_ON_BOOT=1 the UART is Serial0 and `Serial` is the HWCDC
// declared in HWCDC.h (included here, as the real header does).
#pragma once

#include <inttypes.h>

#include "HWCDC.h"
#include "Stream.h"

class HardwareSerial : public Stream {
 public:
  void begin(unsigned long baud, uint32_t config = 0x800001c, int8_t rxPin = -1, int8_t txPin = -1,
             bool invert = false, unsigned long timeout_ms = 20000UL,
             uint8_t rxfifo_full_thrhd = 112);
  int available(void);
  int peek(void);
  int read(void);
  size_t write(uint8_t);
  size_t write(const uint8_t* buffer, size_t size);
};

#ifndef ARDUINO_USB_CDC_ON_BOOT
#define ARDUINO_USB_CDC_ON_BOOT 0
#endif
#if ARDUINO_USB_CDC_ON_BOOT  // Serial used for USB CDC
#if !ARDUINO_USB_MODE
#error "USB-OTG CDC (USBCDC.h) is not stubbed: the boards use ARDUINO_USB_MODE=1"
#endif
extern HardwareSerial Serial0;
#else
extern HardwareSerial Serial;
#endif
