// libFuzzer harness for the JPEG header reader the stream task runs on every
// camera frame (camera_core/jpeg_header.h), and the attribution behind it:
// any bytes must give a bounded answer, never a read past the data.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "camera_core/camera_state.h"
#include "camera_core/frame_source.h"
#include "camera_core/jpeg_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exact-size copy, so ASan sees any read past the end.
  std::vector<uint8_t> frame(data, data + size);
  uint16_t w = 0, h = 0;
  if (camcore::jpeg_dimensions(frame.data(), frame.size(), &w, &h) && (w == 0 || h == 0)) {
    std::abort();
  }
  camcore::CameraState state;
  state.timeline.begin_change(100);
  state.timeline.end_change({3, 20}, 150);
  camcore::FrameMeta meta{};
  const uint64_t start = size > 0 ? data[0] : 0;
  const camcore::Attribution a =
      camcore::describe_frame(state, frame.data(), frame.size(), start * 2, 0, &meta);
  if (a == camcore::Attribution::Ok && meta.frame_size >= camcore::kFrameSizeCount) std::abort();
  return 0;
}
