// ESP32-S3 drone camera firmware (version: firmware/VERSION; protocol v2, docs/protocol.md).
// Tasks: "stream" (capture + send, core 1), the HTTP server task (page,
// WebSocket, commands) and Arduino's loop task (serial console, 1 Hz status,
// low-memory warning, reset). All share the portable core under CoreLock.
#include <Arduino.h>
#include <esp_task_wdt.h>

#include <cstdio>

#include "app.h"
#include "board_pins.h"
#include "camera.h"
#include "camera_core/console_text.h"
#include "camera_core/low_memory.h"
#include "config.h"
#include "console.h"
#include "serial_console.h"
#include "stream_task.h"
#include "web_server.h"
#include "wifi_ap.h"

namespace {

uint32_t g_last_status_ms = 0;
uint32_t g_last_report_ms = 0;

void print_banner() {
  cam::write_lines(camcore::kConsoleBanner, camcore::text_length(camcore::kConsoleBanner));
  cam::log_line("INFO", "Board: %s", cam::kBoardName);
  cam::log_line("MEMORY", "Initial free heap: %lu KB",
                static_cast<unsigned long>(ESP.getFreeHeap() / 1024));
}

// The README's periodic serial status block.
void print_report() {
  uint32_t frames, fps_tenths;
  size_t clients;
  {
    cam::CoreLock lock;
    frames = cam::app().state.stats.frames();
    fps_tenths = cam::app().state.stats.fps_tenths();
    clients = cam::app().state.clients.count();
  }
  char line[96];
  cam::write_line(camcore::kReportTitle, camcore::text_length(camcore::kReportTitle));
  int n = std::snprintf(line, sizeof(line), "Camera - Total frames: %lu", static_cast<unsigned long>(frames));
  cam::write_line(line, static_cast<size_t>(n));
  n = std::snprintf(line, sizeof(line), "Camera - Current FPS: %lu.%lu",
                    static_cast<unsigned long>(fps_tenths / 10), static_cast<unsigned long>(fps_tenths % 10));
  cam::write_line(line, static_cast<size_t>(n));
  n = std::snprintf(line, sizeof(line), "Camera - Memory - Current: %lu KB",
                    static_cast<unsigned long>(ESP.getFreeHeap() / 1024));
  cam::write_line(line, static_cast<size_t>(n));
  cam::log_line("WS", "WebSocket clients: %u, streaming video frames", static_cast<unsigned>(clients));
  cam::write_line(camcore::kReportRule, camcore::text_length(camcore::kReportRule));
}

// Once a second: frame rate, status to every viewer, low-memory warning.
void tick(uint32_t now_ms) {
  const uint64_t now = cam::now_us();
  bool verbose;
  uint32_t frames, fps_tenths, skipped, errors, settling;
  {
    cam::CoreLock lock;
    camcore::CameraState& s = cam::app().state;
    s.stats.update_fps(now);
    verbose = s.settings.verbose;
    frames = s.stats.frames();
    fps_tenths = s.stats.fps_tenths();
    skipped = s.clients.frames_skipped();
    errors = s.stats.capture_errors();
    settling = s.stats.settling();
  }
  cam::web_send_status(now);
  if (verbose) {  // `verbose on`: one detail line a second
    cam::log_line("DEBUG", "frames %lu, fps %lu.%lu, skipped %lu, capture errors %lu, settling %lu",
                  static_cast<unsigned long>(frames), static_cast<unsigned long>(fps_tenths / 10),
                  static_cast<unsigned long>(fps_tenths % 10), static_cast<unsigned long>(skipped),
                  static_cast<unsigned long>(errors), static_cast<unsigned long>(settling));
  }
  const uint32_t heap = ESP.getFreeHeap();
  bool warn;
  {
    cam::CoreLock lock;
    warn = cam::app().low_memory.check(heap, now);
  }
  if (warn) {
    char line[64];
    const size_t n = camcore::format_low_memory(heap, line, sizeof(line));
    cam::write_line(line, n);
  }
  if (now_ms - g_last_report_ms >= cam::kConsoleReportPeriodMs) {
    g_last_report_ms = now_ms;
    print_report();
  }
}

}  // namespace

void setup() {
  cam::console_begin();
  cam::app_begin();
  print_banner();
  esp_task_wdt_init(cam::kWatchdogSeconds, true);  // panic (reboot) on a stuck task

  cam::log_line("INIT", "Initializing OV2640 camera...");
  const camcore::Settings& initial = cam::app().state.settings;
  if (cam::camera_begin(initial.frame_size, initial.quality)) {
    cam::log_line("SUCCESS", "Camera initialized successfully");
  }
  cam::log_line("INIT", "Initializing WiFi...");
  cam::wifi_begin();
  if (cam::web_begin()) {
    cam::log_line("SUCCESS", "Native WebSocket server running at http://192.168.4.1:%u/",
                  static_cast<unsigned>(cam::kHttpPort));
  }
  if (cam::stream_begin()) cam::log_line("STREAM", "Starting 20fps video stream...");
  esp_task_wdt_add(nullptr);  // this loop task, once the slow initialisation is over
}

void loop() {
  esp_task_wdt_reset();
  cam::serial_poll();
  const uint32_t now_ms = static_cast<uint32_t>(millis());  // 32-bit on the ESP32
  if (now_ms - g_last_status_ms >= cam::kStatusPeriodMs) {
    g_last_status_ms = now_ms;
    tick(now_ms);
  }
  delay(5);
}
