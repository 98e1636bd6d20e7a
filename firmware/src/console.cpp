#include "console.h"

#include <Arduino.h>
#include <freertos/FreeRTOS.h>
#include <freertos/semphr.h>

#include <cstdarg>
#include <cstdint>
#include <cstdio>

namespace cam {

namespace {
SemaphoreHandle_t g_lock = nullptr;
constexpr unsigned long kBaud = 115200;
}  // namespace

void console_begin() {
  Serial.begin(kBaud);
  g_lock = xSemaphoreCreateMutex();
}

void write_line(const char* text, size_t len) {
  if (g_lock != nullptr) xSemaphoreTake(g_lock, portMAX_DELAY);
  Serial.write(reinterpret_cast<const uint8_t*>(text), len);
  Serial.write(reinterpret_cast<const uint8_t*>("\r\n"), 2);
  if (g_lock != nullptr) xSemaphoreGive(g_lock);
}

void write_lines(const char* text, size_t len) {
  size_t start = 0;
  for (size_t i = 0; i <= len; ++i) {
    if (i == len || text[i] == '\n') {
      if (i > start) write_line(text + start, i - start);
      start = i + 1;
    }
  }
}

void log_line(const char* tag, const char* fmt, ...) {
  char line[192];
  const int n = std::snprintf(line, sizeof(line), "[%s] ", tag);
  if (n < 0 || static_cast<size_t>(n) >= sizeof(line)) return;
  va_list args;
  va_start(args, fmt);
  const int m = std::vsnprintf(line + n, sizeof(line) - static_cast<size_t>(n), fmt, args);
  va_end(args);
  if (m < 0) return;
  const size_t total = static_cast<size_t>(n) + static_cast<size_t>(m);
  write_line(line, total < sizeof(line) ? total : sizeof(line) - 1);  // long text is cut
}

}  // namespace cam
