// mirrors: lwIP 2.1.3 (esp-lwip, ESP-IDF v4.4.7) src/include/lwip/inet.h
// (subset): in_addr and in6_addr with lwIP's own layout.
#pragma once

#include "lwip/arch.h"
#include "lwip/def.h"

typedef u32_t in_addr_t;

struct in_addr {
  in_addr_t s_addr;
};

struct in6_addr {
  union {
    u32_t u32_addr[4];
    u8_t u8_addr[16];
  } un;
#define s6_addr un.u8_addr
};
