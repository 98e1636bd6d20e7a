// mirrors: lwIP 2.1.3 (esp-lwip, ESP-IDF v4.4.7) src/include/lwip/arch.h
// (subset): the sized types, from <stdint.h>, and, like the real header,
// the C library's <limits.h> (a project limits.h on the path would shadow it).
#pragma once

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8_t;
typedef int8_t s8_t;
typedef uint16_t u16_t;
typedef int16_t s16_t;
typedef uint32_t u32_t;
typedef int32_t s32_t;
