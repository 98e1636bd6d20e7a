// mirrors: ESP-IDF v4.4 components/freertos/include/freertos/task.h (subset)
#pragma once

#include <cstdint>

#include "FreeRTOS.h"

struct tskTaskControlBlock;
typedef struct tskTaskControlBlock* TaskHandle_t;
typedef void (*TaskFunction_t)(void*);

extern "C" {
BaseType_t xTaskCreatePinnedToCore(TaskFunction_t pvTaskCode, const char* const pcName,
                                   const uint32_t usStackDepth, void* const pvParameters,
                                   UBaseType_t uxPriority, TaskHandle_t* const pvCreatedTask,
                                   const BaseType_t xCoreID);
void vTaskDelay(const TickType_t xTicksToDelay);
}
