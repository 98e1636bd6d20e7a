// Paces captures to the target frame rate. The camera runs with
// CAMERA_GRAB_LATEST, so whenever a frame is due the driver hands over the
// newest one; the pacer only decides *when* to ask. A late loop does not try
// to catch up with a burst: it restarts the schedule from now.
#pragma once

#include <cstdint>

namespace camcore {

class FramePacer {
 public:
  explicit FramePacer(uint8_t fps = 20) { set_fps(fps); }

  void set_fps(uint8_t fps);  // callers validate 1..30; 0 is treated as 1
  uint8_t fps() const { return fps_; }
  uint32_t interval_us() const { return interval_us_; }

  bool due(uint64_t now_us) const { return now_us >= next_us_; }
  // µs until the next frame is due (0 when due).
  uint64_t wait_us(uint64_t now_us) const { return due(now_us) ? 0 : next_us_ - now_us; }
  // A frame was taken at now_us: schedule the next one.
  void on_frame(uint64_t now_us);
  // No frame before `until_us` (camera re-initialising after `reset`).
  void hold_until(uint64_t until_us) { next_us_ = until_us; }

 private:
  uint8_t fps_ = 20;
  uint32_t interval_us_ = 50000;
  uint64_t next_us_ = 0;
};

}  // namespace camcore
