// Reference-counted slots for outgoing frames. The camera's frame buffer goes
// back to the driver right after its JPEG is copied (with the APP4 metadata)
// into a free slot; the slot stays in use until every client's send of it
// has completed. Memory use is fixed at kSlots frames no matter how slow the
// viewers are. Frame sends hold at most kMaxOutstandingSends slots (that
// bound also covers sends to viewers that already left), so with one slot
// more the producer always finds a free one; if it ever does not, the frame
// is dropped and counted.
//
// Not thread-safe: the glue calls it with its core lock held.
#pragma once

#include <cstddef>
#include <cstdint>

#include "camera_core/protocol_limits.h"

namespace camcore {

class FramePool {
 public:
  static constexpr size_t kSlots = kMaxOutstandingSends + 1;

  // A free slot with one reference (the producer's), or -1.
  int acquire();
  // One more reference (a send in flight).
  void retain(int slot);
  // Drops a reference; returns true when the slot became free.
  bool release(int slot);
  uint8_t refs(int slot) const;

 private:
  uint8_t refs_[kSlots] = {};
};

}  // namespace camcore
