#include "camera_core/frame_source.h"

#include "camera_core/jpeg_header.h"

namespace camcore {

Attribution describe_frame(CameraState& state, const uint8_t* jpeg, size_t len,
                           uint64_t frame_start_us, uint64_t capture_us, FrameMeta* meta) {
  uint16_t width = 0;
  uint16_t height = 0;
  FrameSettings settings{};
  const Attribution verdict =
      jpeg_dimensions(jpeg, len, &width, &height)
          ? state.timeline.attribute(frame_start_us, width, height, &settings)
          : Attribution::UnknownSize;
  switch (verdict) {
    case Attribution::Ok:
      state.stats.on_frame(len);
      *meta =
          FrameMeta{settings.frame_size, settings.quality, state.stats.next_sequence(), capture_us};
      break;
    case Attribution::Settling: state.stats.on_settling(); break;
    case Attribution::UnknownSize: state.stats.on_capture_error(); break;
  }
  return verdict;
}

}  // namespace camcore
