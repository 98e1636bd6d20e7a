// mirrors: lwIP 2.1.3 (esp-lwip, ESP-IDF v4.4.7) src/include/lwip/def.h
// (subset): byte order. ntohs/ntohl are macros over lwip_htons/lwip_htonl.
#pragma once

#include "lwip/arch.h"

extern "C" {
u16_t lwip_htons(u16_t x);
u32_t lwip_htonl(u32_t x);
}
#define lwip_ntohs(x) lwip_htons(x)
#define lwip_ntohl(x) lwip_htonl(x)
#define htons(x) lwip_htons(x)
#define ntohs(x) lwip_ntohs(x)
#define htonl(x) lwip_htonl(x)
#define ntohl(x) lwip_ntohl(x)
