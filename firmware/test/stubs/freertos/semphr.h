// mirrors: ESP-IDF v4.4 components/freertos/include/freertos/semphr.h and
// queue.h (subset). The xSemaphore* names are macros there as here.
#pragma once

#include "FreeRTOS.h"

struct QueueDefinition;
typedef struct QueueDefinition* QueueHandle_t;
typedef QueueHandle_t SemaphoreHandle_t;

#define queueSEND_TO_BACK ((BaseType_t)0)
#define queueQUEUE_TYPE_MUTEX ((uint8_t)1U)
#define semGIVE_BLOCK_TIME ((TickType_t)0U)

extern "C" {
QueueHandle_t xQueueCreateMutex(const uint8_t ucQueueType);
BaseType_t xQueueSemaphoreTake(QueueHandle_t xQueue, TickType_t xTicksToWait);
BaseType_t xQueueGenericSend(QueueHandle_t xQueue, const void* const pvItemToQueue,
                             TickType_t xTicksToWait, const BaseType_t xCopyPosition);
}

#define xSemaphoreCreateMutex() xQueueCreateMutex(queueQUEUE_TYPE_MUTEX)
#define xSemaphoreTake(xSemaphore, xBlockTime) xQueueSemaphoreTake((xSemaphore), (xBlockTime))
#define xSemaphoreGive(xSemaphore) \
  xQueueGenericSend((QueueHandle_t)(xSemaphore), NULL, semGIVE_BLOCK_TIME, queueSEND_TO_BACK)
