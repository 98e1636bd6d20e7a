#include "app.h"

#include <freertos/FreeRTOS.h>
#include <freertos/semphr.h>
#include <esp_timer.h>

#include "config.h"
#include "device_glue.h"

namespace cam {

namespace {
SemaphoreHandle_t g_lock = nullptr;
App g_app;
EspDevice g_device;
camcore::CommandProcessor g_processor(g_app.state, g_device, CAM_COMMAND_TOKEN);
}  // namespace

App& app() { return g_app; }
camcore::CommandProcessor& processor() { return g_processor; }
uint64_t now_us() { return static_cast<uint64_t>(esp_timer_get_time()); }

void app_begin() { g_lock = xSemaphoreCreateMutex(); }

CoreLock::CoreLock() { xSemaphoreTake(g_lock, portMAX_DELAY); }
CoreLock::~CoreLock() { xSemaphoreGive(g_lock); }

}  // namespace cam
