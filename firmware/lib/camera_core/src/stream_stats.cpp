#include "camera_core/stream_stats.h"

namespace camcore {

namespace {
constexpr uint64_t kWindowUs = 1000000;
}

void StreamStats::on_frame(size_t jpeg_bytes) {
  ++frames_;
  ++window_frames_;
  frame_bytes_ += jpeg_bytes;
}

void StreamStats::update_fps(uint64_t now_us) {
  if (now_us < window_start_us_) {  // clock went backwards: start over
    window_start_us_ = now_us;
    window_frames_ = 0;
    return;
  }
  const uint64_t elapsed = now_us - window_start_us_;
  if (elapsed < kWindowUs) return;
  // tenths of a frame per second, rounded: frames * 10 * 1e6 / elapsed
  fps_tenths_ = static_cast<uint32_t>(
      (static_cast<uint64_t>(window_frames_) * 10 * kWindowUs + elapsed / 2) / elapsed);
  window_frames_ = 0;
  window_start_us_ = now_us;
}

void StreamStats::clear(uint64_t now_us) {
  frames_ = 0;
  frame_bytes_ = 0;
  capture_errors_ = 0;
  dropped_ = 0;
  settling_ = 0;
  bytes_sent_ = 0;
  window_frames_ = 0;
  window_start_us_ = now_us;
  fps_tenths_ = 0;
}

uint32_t StreamStats::avg_frame_bytes() const {
  return frames_ == 0 ? 0 : static_cast<uint32_t>(frame_bytes_ / frames_);
}

}  // namespace camcore
