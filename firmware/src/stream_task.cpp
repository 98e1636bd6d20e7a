#include "stream_task.h"

#include <esp_heap_caps.h>
#include <esp_task_wdt.h>
#include <freertos/FreeRTOS.h>
#include <freertos/task.h>

#include "app.h"
#include "camera.h"
#include "camera_core/frame_metadata.h"
#include "camera_core/frame_source.h"
#include "config.h"
#include "console.h"
#include "web_server.h"

namespace cam {

namespace {

uint8_t* g_slots[camcore::FramePool::kSlots];
constexpr uint32_t kTaskStack = 6144;
constexpr UBaseType_t kTaskPriority = 3;
constexpr BaseType_t kAppCore = 1;
constexpr uint32_t kMaxSleepMs = 100;  // wake often enough to feed the watchdog

// Re-initialises the camera and keeps it dark for about a second. For
// `reset` the viewers are closed first (1012, docs/protocol.md); after
// repeated capture failures they stay connected and simply see a pause.
void reinit_camera(bool close_clients) {
  uint8_t frame_size;
  int quality;
  {
    CoreLock lock;
    if (close_clients) web_close_all(CloseCode::ServiceRestart);
    app().state.pacer.hold_until(now_us() + kResetDarkMs * 1000ull);
    frame_size = app().state.settings.frame_size;
    quality = app().state.settings.quality;
  }
  log_line("Camera", "Re-initialising the camera");
  const bool ok = camera_reinit(frame_size, quality);
  {
    CoreLock lock;  // the driver's frames from before are gone
    camcore::CameraState& s = app().state;
    s.timeline.reset(camcore::FrameSettings{frame_size, static_cast<uint8_t>(quality)});
    // A command during the re-init may have written the old driver instance:
    // apply what is in force now, bracketed as the command path does.
    const camcore::FrameSettings now{s.settings.frame_size, s.settings.quality};
    if (ok && (now.frame_size != frame_size || now.quality != quality)) {
      s.timeline.begin_change(camera_frame_clock_us());
      if (camera_set_frame_size(now.frame_size) && camera_set_quality(now.quality)) {
        s.timeline.end_change(now, camera_frame_clock_us());
      } else {
        s.timeline.abort_change(camera_frame_clock_us());
      }
    }
  }
  if (ok) log_line("SUCCESS", "Camera re-initialised");
}

// When the driver started filling this frame buffer, on the frame clock
// (camera_frame_clock_us): esp32-camera stamps it at the frame's VSYNC.
uint64_t frame_start_us(const camera_fb_t* fb) {
  return static_cast<uint64_t>(fb->timestamp.tv_sec) * 1000000ull +
         static_cast<uint64_t>(fb->timestamp.tv_usec);
}

// One pass: wait until a frame is due, grab it, copy it with metadata into a
// free slot, give the driver its buffer back, offer the slot to the viewers.
void stream_once(int* failures) {
  uint64_t wait_us;
  bool streaming;
  {
    CoreLock lock;
    wait_us = app().state.pacer.wait_us(now_us());
    streaming = app().state.settings.streaming;
  }
  if (wait_us > 0 || !streaming) {
    const uint32_t ms = streaming ? static_cast<uint32_t>(wait_us / 1000) : kMaxSleepMs;
    vTaskDelay(pdMS_TO_TICKS(ms == 0 ? 1 : (ms > kMaxSleepMs ? kMaxSleepMs : ms)));
    return;
  }
  camera_fb_t* fb = camera_grab();
  const uint64_t capture_us = now_us();  // when the driver handed the frame over
  const camcore::FrameCheck check =
      fb == nullptr ? camcore::FrameCheck::TooShort
                    : camcore::check_jpeg(fb->buf, fb->len, kFrameSlotBytes - camcore::kMetaSegmentBytes);
  if (check != camcore::FrameCheck::Ok) {
    const bool no_frame = fb == nullptr;
    if (!no_frame) camera_release(fb);
    bool verbose;
    {
      CoreLock lock;
      app().state.stats.on_capture_error();
      app().state.pacer.on_frame(capture_us);
      verbose = app().state.settings.verbose;
    }
    // The first failure of a run is logged (all of them in verbose mode), so a
    // dead camera does not flood the console at the frame rate.
    if (*failures == 0 || verbose) {
      log_line("ERROR", "Camera capture failed (%s)",
               no_frame ? "no frame" : camcore::frame_check_name(check));
    }
    if (++*failures >= kCaptureFailuresBeforeReinit) {
      *failures = 0;
      reinit_camera(false);
    }
    return;
  }
  int slot = -1;
  camcore::FrameMeta meta = {};
  camcore::Attribution verdict;
  {
    CoreLock lock;
    camcore::CameraState& s = app().state;
    // The frame's own settings (a change may have come while it was exposed).
    verdict = camcore::describe_frame(s, fb->buf, fb->len, frame_start_us(fb), capture_us, &meta);
    if (verdict == camcore::Attribution::Ok) {
      s.pacer.on_frame(capture_us);
      if (s.clients.count() > 0) {
        slot = app().pool.acquire();
        if (slot < 0) s.stats.on_dropped(static_cast<uint32_t>(s.clients.count()));
      }
    }
  }
  if (verdict != camcore::Attribution::Ok) {
    camera_release(fb);
    // Settling: skipped, the next frame is grabbed at once. A frame without a
    // table size counts toward re-initialisation like a capture failure.
    if (verdict == camcore::Attribution::UnknownSize &&
        ++*failures >= kCaptureFailuresBeforeReinit) {
      *failures = 0;
      reinit_camera(false);
    }
    return;
  }
  *failures = 0;
  // The slot is ours alone until it is offered, so the copy needs no lock.
  const size_t len = slot < 0 ? 0
                              : camcore::insert_metadata(fb->buf, fb->len, meta, g_slots[slot],
                                                         kFrameSlotBytes);
  camera_release(fb);  // back to the driver before any network work
  if (slot < 0) return;
  CoreLock lock;
  if (len > 0) web_send_frame(slot, g_slots[slot], len);
  app().pool.release(slot);  // the producer's reference; sends hold their own
}

void stream_task(void*) {
  esp_task_wdt_add(nullptr);
  int failures = 0;
  for (;;) {
    esp_task_wdt_reset();
    if (app().reset_requested.exchange(false)) reinit_camera(true);
    stream_once(&failures);
  }
}

}  // namespace

bool stream_begin() {
  for (uint8_t*& slot : g_slots) {
    slot = static_cast<uint8_t*>(heap_caps_malloc(kFrameSlotBytes, MALLOC_CAP_SPIRAM | MALLOC_CAP_8BIT));
    if (slot == nullptr) {
      log_line("ERROR", "No PSRAM for frame buffers");
      return false;
    }
  }
  return xTaskCreatePinnedToCore(stream_task, "stream", kTaskStack, nullptr, kTaskPriority, nullptr,
                                 kAppCore) == pdPASS;
}

}  // namespace cam
