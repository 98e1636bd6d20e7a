// mirrors: arduino-esp32 2.0.17 cores/esp32/Stream.h (subset: the pure virtuals).
#pragma once

#include "Print.h"

class Stream : public Print {
 public:
  virtual int available() = 0;
  virtual int read() = 0;
  virtual int peek() = 0;
};
