// mirrors: arduino-esp32 2.0.17 cores/esp32/IPAddress.h (subset).
#pragma once

#include <stdint.h>

#include "WString.h"

class IPAddress {
 public:
  IPAddress();
  IPAddress(uint8_t first_octet, uint8_t second_octet, uint8_t third_octet, uint8_t fourth_octet);
  IPAddress(uint32_t address);
  String toString() const;
};
