// mirrors: ESP-IDF v4.4.7 components/freertos/include/freertos/FreeRTOS.h
// (subset), which reaches the port's types through portable.h ->
// port/xtensa/include/freertos/portmacro.h. Guarded by INC_FREERTOS_H as
// the real header is: task.h and semphr.h refuse to compile without it.
#ifndef INC_FREERTOS_H
#define INC_FREERTOS_H

#include <stddef.h>
#include <stdint.h>

#include "freertos/portmacro.h"

#define configTICK_RATE_HZ 1000  // CONFIG_FREERTOS_HZ in arduino-esp32 2.0.x

#define pdFALSE ((BaseType_t)0)
#define pdTRUE ((BaseType_t)1)
#define pdPASS (pdTRUE)
#define pdFAIL (pdFALSE)

// projdefs.h
#define pdMS_TO_TICKS(xTimeInMs) \
  ((TickType_t)(((TickType_t)(xTimeInMs) * (TickType_t)configTICK_RATE_HZ) / (TickType_t)1000U))

#endif  // INC_FREERTOS_H
