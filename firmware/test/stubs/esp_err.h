// mirrors: ESP-IDF v4.4 components/esp_common/include/esp_err.h (subset)
#pragma once

#include <cstdint>

typedef int esp_err_t;
#define ESP_OK 0
#define ESP_FAIL -1
