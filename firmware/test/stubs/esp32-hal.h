// mirrors: arduino-esp32 2.0.17 cores/esp32/esp32-hal.h (subset), included by Arduino.h.
#pragma once

#include <stdint.h>

unsigned long millis();
void delay(uint32_t);
