// Which sensor settings a captured frame was really taken with.
//
// `quality` and `framesize` are register writes to a sensor that keeps
// streaming: esp32-camera captures continuously into its frame buffers and,
// in CAMERA_GRAB_LATEST mode, keeps the newest finished frame queued while
// the next one fills. So the first frame taken after a change may have been
// exposed before it, and one that started during the register writes may be
// a mix. The node's adaptive quality loop (issue #14) reads the APP4 quality
// and frame-size bytes to know what the link carried, so they must be the
// frame's, not the latest request's.
//
// The timeline records when each change began and ended on the driver's
// frame clock (the clock of camera_fb_t::timestamp, taken when a frame
// starts) and attributes each frame by its start time; the frame's own SOF
// dimensions must agree. A frame that started during a change, or whose
// size disagrees shortly after one, is "settling": the glue skips it without
// using a sequence number, so the node does not mistake a settings change
// for a loss.
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

struct FrameSettings {
  uint8_t frame_size;  // index into the frame-size table
  uint8_t quality;
};

enum class Attribution : uint8_t { Ok, Settling, UnknownSize };

class SettingsTimeline {
 public:
  // Changes remembered: frames older than the oldest are attributed to it.
  // Two frames can be in the driver at once (fb_count = 2), and changes come
  // at most a few times a second, so four is ample.
  static constexpr size_t kHistory = 4;
  // How long after a change a frame whose SOF size disagrees is taken for a
  // sensor still switching (skipped). After it, the SOF size is used as is.
  static constexpr uint64_t kSizeSettleUs = 250000;
  // A frame stamped this long before the newest change is not from a live
  // driver queue (a clock mismatch): attributed to the settings in force.
  static constexpr uint64_t kMaxFrameAgeUs = 2000000;

  explicit SettingsTimeline(FrameSettings initial);

  // Brackets the sensor register writes of one change (times on the frame
  // clock). end_change with the settings now in force; abort_change when the
  // sensor refused (the old settings stay, frames started meanwhile settle).
  void begin_change(uint64_t now_us);
  void end_change(FrameSettings applied, uint64_t now_us);
  void abort_change(uint64_t now_us);

  // After esp_camera_init: no frame from before exists any more.
  void reset(FrameSettings current);

  // The settings of a frame that started at `frame_start_us` and whose SOF
  // says width x height.
  Attribution attribute(uint64_t frame_start_us, uint16_t width, uint16_t height,
                        FrameSettings* out) const;

  FrameSettings current() const { return entries_[newest_].settings; }
  bool changing() const { return changing_; }

 private:
  struct Entry {
    uint64_t busy_from_us;  // the change's writes began
    uint64_t from_us;       // ... and ended: frames starting now have these settings
    FrameSettings settings;
  };
  void push(const Entry& e);

  Entry entries_[kHistory];
  size_t newest_ = 0;
  size_t count_ = 1;
  bool changing_ = false;
  uint64_t change_begin_us_ = 0;
};

}  // namespace camcore
