// mirrors: ESP-IDF v4.4.7 components/freertos/port/xtensa/include/freertos/portmacro.h
// (subset). Like the real one it includes the C library's <limits.h>: a
// project header named limits.h on the include path would be taken instead
// (firmware issue #11), so this stub keeps that trap armed.
#pragma once

#include <limits.h>
#include <stdint.h>

typedef int BaseType_t;  // portBASE_TYPE
typedef unsigned int UBaseType_t;
typedef uint32_t TickType_t;
#define portMAX_DELAY (TickType_t)0xffffffffUL
