// Fans frames and text messages out to the viewers: per-viewer flow control
// (ClientTable), frame slot references (FramePool) and bounded, reclaimable
// asynchronous sends (SendTracker), behind a SendPort the glue implements
// with httpd_ws_send_data_async. The WebSocket glue only moves bytes.
//
// Not thread-safe: the glue calls it with its core lock held.
#pragma once

#include <cstddef>
#include <cstdint>

#include "camera_core/camera_state.h"
#include "camera_core/frame_pool.h"
#include "camera_core/protocol_limits.h"
#include "camera_core/send_tracker.h"

namespace camcore {

class SendPort {
 public:
  virtual ~SendPort() = default;
  // Starts an asynchronous send of data[0..len) (which stays valid until the
  // completion); the completion must come back as StreamHub::on_complete(token).
  // False when the send could not be queued (no completion will follow).
  virtual bool send_async(int handle, const uint8_t* data, size_t len, bool binary,
                          int32_t token) = 0;
};

class StreamHub {
 public:
  StreamHub(CameraState& state, FramePool& pool, SendPort& port)
      : state_(state), pool_(pool), port_(port) {}

  // Offers the frame in `slot` (data[0..len)) to every viewer without a frame
  // in flight; busy viewers skip it (counted in their `drops` and in
  // stats.dropped). Each send holds a reference on the slot.
  void offer_frame(int slot, const uint8_t* data, size_t len, uint64_t now_us);

  // Whether viewer slot i (ClientTable::slot) still has a text in flight.
  bool text_busy(size_t i) const { return text_busy_[i]; }
  // Sends a text (status, test message) to viewer slot i; false when the
  // viewer is gone or busy, or the send was not started.
  bool offer_text(size_t i, const char* data, size_t len, uint64_t now_us);

  // The completion of a send. Returns the connection to close after
  // repeated failures, or -1. Stale tokens (reclaimed sends) are ignored.
  int on_complete(int32_t token, bool ok);

  // Completes sends outstanding longer than max_age_us as failed (their
  // completion was lost). Writes connections to close into close_handles
  // (room for SendTracker::kMaxOutstanding); returns how many sends were lost.
  size_t reclaim(uint64_t now_us, uint64_t max_age_us, int* close_handles, size_t* n_close);

  size_t outstanding() const { return sends_.outstanding(); }

 private:
  int complete(const SendTracker::Send& send, bool ok);

  CameraState& state_;
  FramePool& pool_;
  SendPort& port_;
  SendTracker sends_;
  bool text_busy_[kMaxClients] = {};
};

}  // namespace camcore
