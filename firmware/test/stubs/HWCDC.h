// mirrors: arduino-esp32 2.0.17 cores/esp32/HWCDC.h (subset), included by
// HardwareSerial.h. The ESP32-S3's USB Serial/JTAG port: with
// ARDUINO_USB_MODE=1 and ARDUINO_USB_CDC_ON_BOOT=1 (platformio.ini) this
// header, not HardwareSerial.h, declares `Serial`.
#pragma once

#include <inttypes.h>
#include <stddef.h>

#include "Stream.h"

class HWCDC : public Stream {
 public:
  HWCDC();
  ~HWCDC();
  void begin(unsigned long baud = 0);
  void end();
  int available(void);
  int availableForWrite(void);
  int peek(void);
  int read(void);
  size_t read(uint8_t* buffer, size_t size);
  size_t write(uint8_t);
  size_t write(const uint8_t* buffer, size_t size);
  void flush(void);
};

#if ARDUINO_USB_MODE
#if ARDUINO_USB_CDC_ON_BOOT  // Serial used for USB CDC
extern HWCDC Serial;
#else
extern HWCDC USBSerial;
#endif
#endif
