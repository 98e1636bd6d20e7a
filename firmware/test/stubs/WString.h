// Subset of Arduino's String. mirrors: cores/esp32/WString.h
#pragma once

class String {
 public:
  const char* c_str() const;
};
