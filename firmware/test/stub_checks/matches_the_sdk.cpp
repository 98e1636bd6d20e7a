// Compiled by the glue compile check (test/CMakeLists.txt) with the device's
// macros: the stubs declare what the real SDK declares (firmware issue #11,
// item 7), each reached through the header that declares it on the device.
#include <Arduino.h>
#include <WiFi.h>
#include <esp_camera.h>
#include <freertos/FreeRTOS.h>
#include <freertos/task.h>
#include <lwip/sockets.h>

#include <type_traits>

// HWCDC.h: with ARDUINO_USB_MODE=1 and ARDUINO_USB_CDC_ON_BOOT=1, `Serial` is
// the USB Serial/JTAG port, and its begin takes an optional baud rate.
static_assert(std::is_same<decltype(Serial), HWCDC>::value, "Serial is an HWCDC");
static_assert(std::is_same<decltype(&HWCDC::begin), void (HWCDC::*)(unsigned long)>::value,
              "HWCDC::begin(unsigned long baud = 0)");
// WiFiGeneric.h: mode is static.
static_assert(std::is_same<decltype(&WiFiClass::mode), bool (*)(wifi_mode_t)>::value,
              "static bool WiFiGenericClass::mode(wifi_mode_t)");
// sensor.h: 22 frame sizes, up to QSXGA.
static_assert(FRAMESIZE_INVALID == 22 && FRAMESIZE_QSXGA == 21 && FRAMESIZE_XGA == 10,
              "esp32-camera framesize_t");
// task.h under ESP_PLATFORM.
static_assert(std::is_same<TaskHandle_t, void*>::value, "TaskHandle_t is void* on ESP_PLATFORM");
// lwIP's layout: a length byte before a one-byte family.
static_assert(sizeof(sa_family_t) == 1 && sizeof(socklen_t) == 4 && AF_INET6 == 10,
              "lwIP socket types");
static_assert(offsetof(sockaddr_in6, sin6_port) == 2 && offsetof(sockaddr_in, sin_addr) == 4,
              "lwIP sockaddr layout");
