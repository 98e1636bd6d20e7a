#include "camera_core/frame_pacer.h"

namespace camcore {

void FramePacer::set_fps(uint8_t fps) {
  fps_ = fps == 0 ? 1 : fps;
  interval_us_ = 1000000u / fps_;
}

void FramePacer::on_frame(uint64_t now_us) {
  next_us_ += interval_us_;
  // Behind by a whole interval or more (slow send, camera stall, fps change):
  // drop the backlog instead of bursting to catch up.
  if (next_us_ <= now_us) next_us_ = now_us + interval_us_;
}

}  // namespace camcore
