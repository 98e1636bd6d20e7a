// Frame counters and the measured frame rate, as reported by `stats` and the
// 1 Hz status message.
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

class StreamStats {
 public:
  // A frame came from the camera (valid JPEG, about to be offered to clients).
  void on_frame(size_t jpeg_bytes);
  void on_capture_error() { ++capture_errors_; }
  // A frame skipped because it was captured while sensor settings changed
  // (settings_timeline.h): not an error and not a loss, so it takes no
  // sequence number. Cleared by `clear`.
  void on_settling() { ++settling_; }
  // A frame not delivered to one client (skipped by flow control, or no
  // free frame slot): `stats.dropped`, cleared by `clear`.
  void on_dropped(uint32_t n = 1) { dropped_ += n; }
  void on_sent(size_t bytes) { bytes_sent_ += bytes; }

  // Called about once a second: turns the frames seen since the last update
  // into a rate. Windows shorter than 1 s keep the previous value.
  void update_fps(uint64_t now_us);

  // The `clear` command: zero the counters, restart the rate window.
  void clear(uint64_t now_us);

  // Sequence number for the next frame's metadata. Not reset by `clear`:
  // clients count gaps in it, and a reset would look like a restart.
  uint32_t next_sequence() { return sequence_++; }

  uint32_t frames() const { return frames_; }
  uint32_t fps_tenths() const { return fps_tenths_; }
  uint32_t capture_errors() const { return capture_errors_; }
  uint32_t dropped() const { return dropped_; }
  uint32_t settling() const { return settling_; }
  uint64_t bytes_sent() const { return bytes_sent_; }
  uint32_t avg_frame_bytes() const;

 private:
  uint32_t frames_ = 0;
  uint64_t frame_bytes_ = 0;
  uint32_t capture_errors_ = 0;
  uint32_t dropped_ = 0;
  uint32_t settling_ = 0;
  uint64_t bytes_sent_ = 0;
  uint32_t sequence_ = 0;
  uint32_t window_frames_ = 0;
  uint64_t window_start_us_ = 0;
  uint32_t fps_tenths_ = 0;
};

}  // namespace camcore
