// mirrors: ESP-IDF v4.4 components/freertos/include/freertos/FreeRTOS.h and
// port/xtensa/include/freertos/portmacro.h + FreeRTOSConfig.h (subset)
#pragma once

#include <cstdint>

typedef int BaseType_t;             // portBASE_TYPE
typedef unsigned int UBaseType_t;
typedef uint32_t TickType_t;
#define portMAX_DELAY (TickType_t)0xffffffffUL
#define configTICK_RATE_HZ 1000     // CONFIG_FREERTOS_HZ in arduino-esp32
#define pdTRUE ((BaseType_t)1)
#define pdPASS (pdTRUE)
#define pdMS_TO_TICKS(xTimeInMs) \
  ((TickType_t)(((TickType_t)(xTimeInMs) * (TickType_t)configTICK_RATE_HZ) / (TickType_t)1000U))
