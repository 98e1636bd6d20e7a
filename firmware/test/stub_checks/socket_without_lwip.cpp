// Must NOT compile: sockaddr_in6 comes from lwip/sockets.h, not from the
// HTTP server's or Arduino's headers.
#include <Arduino.h>
#include <esp_http_server.h>
int port(const sockaddr_in6& a) { return a.sin6_port; }
