// mirrors: ESP-IDF v4.4 components/esp_timer/include/esp_timer.h (subset)
#pragma once

#include <cstdint>

extern "C" int64_t esp_timer_get_time(void);
