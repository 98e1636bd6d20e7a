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

// Entry `index`; nullptr when out of range.
const FrameSize* frame_size_at(size_t index);

// Index of the exactly (case-sensitively) matching name, or -1.
int frame_size_index(const char* name, size_t len);

}  // namespace camcore
