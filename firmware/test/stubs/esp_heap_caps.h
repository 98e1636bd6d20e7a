// mirrors: ESP-IDF v4.4 components/heap/include/esp_heap_caps.h (subset)
#pragma once

#include <cstddef>
#include <cstdint>

#define MALLOC_CAP_8BIT (1 << 2)
#define MALLOC_CAP_SPIRAM (1 << 10)

extern "C" void* heap_caps_malloc(size_t size, uint32_t caps);
