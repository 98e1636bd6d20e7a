#include "camera.h"

#include <freertos/FreeRTOS.h>
#include <freertos/semphr.h>
#include <sys/time.h>

#include "board_pins.h"
#include "camera_core/frame_metadata.h"
#include "camera_core/frame_sizes.h"
#include "config.h"
#include "console.h"

namespace cam {

namespace {

// camcore's frame-size table index -> the driver's enum (whose values differ).
constexpr framesize_t kDriverSizes[camcore::kFrameSizeCount] = {
    FRAMESIZE_QQVGA, FRAMESIZE_QCIF, FRAMESIZE_HQVGA, FRAMESIZE_QVGA,
    FRAMESIZE_CIF,   FRAMESIZE_VGA,  FRAMESIZE_SVGA,  FRAMESIZE_XGA,
};

static_assert(camcore::kLargestJpegBufferBytes + camcore::kMetaSegmentBytes <=
                  kFrameSlotBytes,
              "a frame slot holds the largest JPEG the driver can deliver, plus the APP4 segment");

// Guards init/deinit against sensor writes from other tasks.
SemaphoreHandle_t g_lock = nullptr;
bool g_ready = false;

class CameraLock {
 public:
  CameraLock() { xSemaphoreTake(g_lock, portMAX_DELAY); }
  ~CameraLock() { xSemaphoreGive(g_lock); }
};

camera_config_t make_config() {
  camera_config_t c = {};
  c.pin_pwdn = kCameraPins.pwdn;
  c.pin_reset = kCameraPins.reset;
  c.pin_xclk = kCameraPins.xclk;
  c.pin_sccb_sda = kCameraPins.sccb_sda;
  c.pin_sccb_scl = kCameraPins.sccb_scl;
  c.pin_d7 = kCameraPins.d7;
  c.pin_d6 = kCameraPins.d6;
  c.pin_d5 = kCameraPins.d5;
  c.pin_d4 = kCameraPins.d4;
  c.pin_d3 = kCameraPins.d3;
  c.pin_d2 = kCameraPins.d2;
  c.pin_d1 = kCameraPins.d1;
  c.pin_d0 = kCameraPins.d0;
  c.pin_vsync = kCameraPins.vsync;
  c.pin_href = kCameraPins.href;
  c.pin_pclk = kCameraPins.pclk;
  c.xclk_freq_hz = static_cast<int>(kXclkHz);
  c.ledc_timer = LEDC_TIMER_0;
  c.ledc_channel = LEDC_CHANNEL_0;
  c.pixel_format = PIXFORMAT_JPEG;
  // The driver sizes its JPEG buffers for the frame size given here
  // (width * height / 5), so start at the largest size a command may select,
  // then switch down: `framesize XGA` later can never overflow a buffer
  // sized for VGA (camcore::kLargestFrameSize).
  c.frame_size = kDriverSizes[camcore::kLargestFrameSize];
  c.jpeg_quality = 12;
  c.fb_count = 2;
  c.fb_location = CAMERA_FB_IN_PSRAM;
  c.grab_mode = CAMERA_GRAB_LATEST;
  return c;
}

bool apply_settings(uint8_t frame_size_index, int quality) {
  sensor_t* s = esp_camera_sensor_get();
  if (s == nullptr || frame_size_index >= camcore::kFrameSizeCount) return false;
  return s->set_framesize(s, kDriverSizes[frame_size_index]) == 0 &&
         s->set_quality(s, quality) == 0;
}

bool init_locked(uint8_t frame_size_index, int quality) {
  const camera_config_t config = make_config();
  const esp_err_t err = esp_camera_init(&config);
  if (err != ESP_OK) {
    log_line("ERROR", "Camera init failed: 0x%x", static_cast<unsigned>(err));
    g_ready = false;
    return false;
  }
  g_ready = apply_settings(frame_size_index, quality);
  if (!g_ready) log_line("ERROR", "Camera settings rejected by the sensor");
  return g_ready;
}

}  // namespace

bool camera_begin(uint8_t frame_size_index, int quality) {
  g_lock = xSemaphoreCreateMutex();
  CameraLock lock;
  return init_locked(frame_size_index, quality);
}

bool camera_reinit(uint8_t frame_size_index, int quality) {
  CameraLock lock;
  if (g_ready) esp_camera_deinit();
  g_ready = false;
  return init_locked(frame_size_index, quality);
}

camera_fb_t* camera_grab() { return g_ready ? esp_camera_fb_get() : nullptr; }

void camera_release(camera_fb_t* fb) { esp_camera_fb_return(fb); }

uint64_t camera_frame_clock_us() {
  timeval tv = {};
  gettimeofday(&tv, nullptr);
  return static_cast<uint64_t>(tv.tv_sec) * 1000000ull + static_cast<uint64_t>(tv.tv_usec);
}

bool camera_set_quality(int quality) {
  CameraLock lock;
  sensor_t* s = g_ready ? esp_camera_sensor_get() : nullptr;
  return s != nullptr && s->set_quality(s, quality) == 0;
}

bool camera_set_frame_size(uint8_t frame_size_index) {
  CameraLock lock;
  sensor_t* s = g_ready ? esp_camera_sensor_get() : nullptr;
  return s != nullptr && frame_size_index < camcore::kFrameSizeCount &&
         s->set_framesize(s, kDriverSizes[frame_size_index]) == 0;
}

const char* camera_sensor_name() {
  CameraLock lock;
  sensor_t* s = g_ready ? esp_camera_sensor_get() : nullptr;
  if (s == nullptr) return "none";
  return s->id.PID == OV2640_PID ? "OV2640" : "unknown";
}

}  // namespace cam
