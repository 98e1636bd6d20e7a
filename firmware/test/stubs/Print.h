// mirrors: arduino-esp32 2.0.17 cores/esp32/Print.h (subset: the write members).
#pragma once

#include <stddef.h>
#include <stdint.h>

class Print {
 public:
  virtual ~Print() {}
  virtual size_t write(uint8_t) = 0;
  virtual size_t write(const uint8_t* buffer, size_t size);
};
