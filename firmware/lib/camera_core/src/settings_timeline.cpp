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
  // Newest first: the first entry in force when the frame started.
  for (size_t k = 0; k < count_; ++k) {
    const Entry& e = entries_[(newest_ + kHistory - k) % kHistory];
    if (frame_start_us >= e.from_us) {
      const int index = frame_size_index_of(width, height);
      if (index < 0) return Attribution::UnknownSize;
      if (static_cast<uint8_t>(index) != e.settings.frame_size) return Attribution::Settling;
      *out = e.settings;
      return Attribution::Ok;
    }
    // Started before this change took effect: during its writes, or earlier.
    if (frame_start_us >= e.busy_from_us) return Attribution::Settling;
  }
  // Older than every remembered change (only if changes outpace frames).
  return Attribution::Settling;
}

}  // namespace camcore
