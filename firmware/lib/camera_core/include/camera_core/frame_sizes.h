// The protocol's frame-size table (docs/protocol.md): the index is what the
// APP4 metadata carries, so the order must never change.
#pragma once

#include <cstddef>
#include <cstdint>

namespace camcore {

struct FrameSize {
  const char* name;
  uint16_t width;
  uint16_t height;
};

constexpr size_t kFrameSizeCount = 8;
constexpr uint8_t kFrameSizeVga = 5;
// The largest entry. esp32-camera sizes its JPEG frame buffers once, at
// esp_camera_init, for the frame size given there (width * height / 5
// bytes), so the glue initialises the camera at this size and then switches
// down: every later `framesize` fits the buffers. A table entry larger than
// the init size would overflow them (the driver's FB-OVF, a lost frame).
constexpr uint8_t kLargestFrameSize = kFrameSizeCount - 1;

// Entry `index`; nullptr when out of range.
const FrameSize* frame_size_at(size_t index);

// Index of the exactly (case-sensitively) matching name, or -1.
int frame_size_index(const char* name, size_t len);

// Index of the entry with these dimensions, or -1.
int frame_size_index_of(uint16_t width, uint16_t height);

// The driver's JPEG buffer for a camera initialised at width x height
// (esp32-camera cam_hal.c: recv_size = width * height / 5).
constexpr uint32_t driver_jpeg_buffer_bytes(uint16_t width, uint16_t height) {
  return static_cast<uint32_t>(width) * height / 5;
}
// ... for kLargestFrameSize (XGA, 1024 x 768; a unit test ties it to the table).
constexpr uint32_t kLargestJpegBufferBytes = driver_jpeg_buffer_bytes(1024, 768);

}  // namespace camcore
