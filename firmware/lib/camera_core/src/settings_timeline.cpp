#include "camera_core/settings_timeline.h"

#include "camera_core/frame_sizes.h"

namespace camcore {

SettingsTimeline::SettingsTimeline(FrameSettings initial) { reset(initial); }

void SettingsTimeline::reset(FrameSettings current) {
  entries_[0] = Entry{0, 0, current};
  newest_ = 0;
  count_ = 1;
  changing_ = false;
  change_begin_us_ = 0;
}

void SettingsTimeline::begin_change(uint64_t now_us) {
  if (!changing_) change_begin_us_ = now_us;  // a nested begin keeps the earliest
  changing_ = true;
}

void SettingsTimeline::end_change(FrameSettings applied, uint64_t now_us) {
  const uint64_t begin = changing_ ? change_begin_us_ : now_us;
  changing_ = false;
  push(Entry{begin, now_us < begin ? begin : now_us, applied});
}

void SettingsTimeline::abort_change(uint64_t now_us) {
  // The writes may have partly landed: frames that started during them are
  // not trusted, later ones keep the settings in force before.
  end_change(current(), now_us);
}

void SettingsTimeline::push(const Entry& e) {
  newest_ = (newest_ + 1) % kHistory;
  entries_[newest_] = e;
  if (count_ < kHistory) ++count_;
}

Attribution SettingsTimeline::attribute(uint64_t frame_start_us, uint16_t width, uint16_t height,
                                        FrameSettings* out) const {
  if (changing_ && frame_start_us >= change_begin_us_) return Attribution::Settling;
  const Entry& newest = entries_[newest_];
  if (frame_start_us + kMaxFrameAgeUs < newest.from_us) {
    // No live frame is that old (the driver holds two, the newest ones): the
    // stamp is not on our clock. Never stall on it: the SOF size and the
    // quality in force.
    const int index = frame_size_index_of(width, height);
    if (index < 0) return Attribution::UnknownSize;
    *out = FrameSettings{static_cast<uint8_t>(index), newest.settings.quality};
    return Attribution::Ok;
  }
  // Newest first: the first entry in force when the frame started.
  for (size_t k = 0; k < count_; ++k) {
    const Entry& e = entries_[(newest_ + kHistory - k) % kHistory];
    if (frame_start_us >= e.from_us) {
      const int index = frame_size_index_of(width, height);
      if (index < 0) return Attribution::UnknownSize;
      const uint8_t own_size = static_cast<uint8_t>(index);
      if (own_size != e.settings.frame_size && frame_start_us - e.from_us < kSizeSettleUs) {
        return Attribution::Settling;
      }
      // Past the settle window the frame's own size wins: a sensor that
      // disagrees with the books for good (a write that half failed) must not
      // stop the stream, and the size byte stays the frame's own.
      *out = FrameSettings{own_size, e.settings.quality};
      return Attribution::Ok;
    }
    // Started before this change took effect: during its writes, or earlier.
    if (frame_start_us >= e.busy_from_us) return Attribution::Settling;
  }
  // Older than every remembered change (only if changes outpace frames).
  return Attribution::Settling;
}

}  // namespace camcore
