#include "camera_core/frame_pool.h"

namespace camcore {

namespace {
bool valid(int slot) { return slot >= 0 && static_cast<size_t>(slot) < FramePool::kSlots; }
}  // namespace

int FramePool::acquire() {
  for (size_t i = 0; i < kSlots; ++i) {
    if (refs_[i] == 0) {
      refs_[i] = 1;
      return static_cast<int>(i);
    }
  }
  return -1;
}

void FramePool::retain(int slot) {
  if (valid(slot) && refs_[slot] != 0 && refs_[slot] < UINT8_MAX) ++refs_[slot];
}

bool FramePool::release(int slot) {
  if (!valid(slot) || refs_[slot] == 0) return false;
  return --refs_[slot] == 0;
}

uint8_t FramePool::refs(int slot) const { return valid(slot) ? refs_[slot] : 0; }

}  // namespace camcore
