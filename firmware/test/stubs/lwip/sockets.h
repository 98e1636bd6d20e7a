// mirrors: lwIP 2.1.3 (esp-lwip, ESP-IDF v4.4.7) src/include/lwip/sockets.h
// (subset the glue uses: getpeername, the sockaddr family, AF_INET6; ntohs
// and ntohl come through lwip/inet.h -> lwip/def.h). lwIP's layout, not the
// host's: every sockaddr starts with a u8_t length and a u8_t family
// (sa_family_t), socklen_t is u32_t, AF_INET6 is 10. With
// LWIP_COMPAT_SOCKETS=1 (ESP-IDF) the BSD names are macros over lwip_*.
#pragma once

#include "lwip/arch.h"
#include "lwip/inet.h"

typedef u8_t sa_family_t;
typedef u16_t in_port_t;
typedef u32_t socklen_t;

struct sockaddr_in {
  u8_t sin_len;
  sa_family_t sin_family;
  in_port_t sin_port;
  struct in_addr sin_addr;
#define SIN_ZERO_LEN 8
  char sin_zero[SIN_ZERO_LEN];
};

struct sockaddr_in6 {
  u8_t sin6_len;              // length of this structure
  sa_family_t sin6_family;    // AF_INET6
  in_port_t sin6_port;        // transport layer port
  u32_t sin6_flowinfo;        // IPv6 flow information
  struct in6_addr sin6_addr;  // IPv6 address
  u32_t sin6_scope_id;        // set of interfaces for scope
};

struct sockaddr {
  u8_t sa_len;
  sa_family_t sa_family;
  char sa_data[14];
};

struct sockaddr_storage {
  u8_t s2_len;
  sa_family_t ss_family;
  char s2_data1[2];
  u32_t s2_data2[3];
  u32_t s2_data3[3];  // LWIP_IPV6
};

#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 10

extern "C" {
int lwip_getpeername(int s, struct sockaddr* name, socklen_t* namelen);
int lwip_close(int s);
}
#define getpeername(s, name, namelen) lwip_getpeername(s, name, namelen)

static_assert(sizeof(struct sockaddr_in6) == 28, "lwIP's sockaddr_in6 is 28 bytes");
static_assert(sizeof(struct sockaddr_storage) == 28, "lwIP's sockaddr_storage is 28 bytes (IPv6)");
