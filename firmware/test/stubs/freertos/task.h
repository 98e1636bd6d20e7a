// mirrors: ESP-IDF v4.4.7 components/freertos/include/freertos/task.h (subset).
#pragma once

#ifndef INC_FREERTOS_H
#error "include FreeRTOS.h must appear in source files before include task.h"
#endif

#include "list.h"

// ESP-IDF 4.4 (IDF-3769): an opaque pointer on ESP_PLATFORM (defined by the
// IDF build), the vanilla kernel's struct pointer elsewhere.
#ifdef ESP_PLATFORM
typedef void* TaskHandle_t;
#else
struct tskTaskControlBlock;
typedef struct tskTaskControlBlock* TaskHandle_t;
#endif

typedef void (*TaskFunction_t)(void*);

extern "C" {
BaseType_t xTaskCreatePinnedToCore(TaskFunction_t pvTaskCode, const char* const pcName,
                                   const uint32_t usStackDepth, void* const pvParameters,
                                   UBaseType_t uxPriority, TaskHandle_t* const pvCreatedTask,
                                   const BaseType_t xCoreID);
void vTaskDelay(const TickType_t xTicksToDelay);
}
