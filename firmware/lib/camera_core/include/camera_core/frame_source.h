// The stream task's decision about one frame the driver handed over, before
// it is copied anywhere: which settings it really has (its SOF dimensions
// and the settings timeline), and the metadata it will carry.
#pragma once

#include <cstddef>
#include <cstdint>

#include "camera_core/camera_state.h"
#include "camera_core/frame_metadata.h"
#include "camera_core/settings_timeline.h"

namespace camcore {

// Call with the core's lock held. On Attribution::Ok fills `meta` (the
// frame's own frame size and quality, the next sequence number, the capture
// time) and counts the frame; otherwise counts a settling frame (Settling)
// or a capture error (UnknownSize) and takes no sequence number.
Attribution describe_frame(CameraState& state, const uint8_t* jpeg, size_t len,
                           uint64_t frame_start_us, uint64_t capture_us, FrameMeta* meta);

}  // namespace camcore
