// lwIP's BSD socket API (ESP-IDF v4.4 components/lwip/lwip/src/include/lwip/sockets.h)
// declares the same names as POSIX; on the host the OS headers stand in for it.
// Used by the glue: getpeername, sockaddr_storage/_in/_in6, AF_INET6, ntohs, ntohl.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
