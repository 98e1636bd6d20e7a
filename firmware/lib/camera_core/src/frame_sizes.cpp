#include "camera_core/frame_sizes.h"

#include <cstring>

namespace camcore {

namespace {
constexpr FrameSize kTable[kFrameSizeCount] = {
    {"QQVGA", 160, 120}, {"QCIF", 176, 144}, {"HQVGA", 240, 176}, {"QVGA", 320, 240},
    {"CIF", 400, 296},   {"VGA", 640, 480},  {"SVGA", 800, 600},  {"XGA", 1024, 768},
};
}  // namespace

const FrameSize* frame_size_at(size_t index) {
  return index < kFrameSizeCount ? &kTable[index] : nullptr;
}

int frame_size_index(const char* name, size_t len) {
  for (size_t i = 0; i < kFrameSizeCount; ++i) {
    if (std::strlen(kTable[i].name) == len && std::memcmp(kTable[i].name, name, len) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int frame_size_index_of(uint16_t width, uint16_t height) {
  for (size_t i = 0; i < kFrameSizeCount; ++i) {
    if (kTable[i].width == width && kTable[i].height == height) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace camcore
