// mirrors: arduino-esp32 2.0.17 cores/esp32/Arduino.h (subset). The real
// header pulls in FreeRTOS (FreeRTOS.h, task.h, semphr.h) and esp32-hal.h
// first, then, for C++, WString.h, Stream.h, HardwareSerial.h and Esp.h:
// each name below is reached through the same header as on the device.
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esp32-hal.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

#include "Esp.h"
#include "HardwareSerial.h"
#include "Stream.h"
#include "WString.h"

void setup(void);
void loop(void);
