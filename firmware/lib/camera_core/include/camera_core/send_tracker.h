// Outstanding asynchronous sends of the WebSocket server.
//
// Why: esp_http_server runs each httpd_ws_send_data_async() as a work item
// posted through a UDP control socket whose receive mailbox is small
// (CONFIG_LWIP_UDP_RECVMBOX_SIZE, 6 by default). Items beyond it are dropped
// without an error and their completion callback never runs, which would
// leave a viewer "busy" and a frame slot referenced forever. So at most
// kMaxOutstanding sends are in flight at once, each is named by a token
// carrying a generation, and a send outstanding longer than the caller's
// limit is reclaimed as failed; a completion arriving after that is
// recognised as stale and ignored, so nothing is released twice.
//
// Not thread-safe: the glue calls it with its core lock held.
#pragma once

#include <cstddef>
#include <cstdint>

#include "camera_core/protocol_limits.h"

namespace camcore {

class SendTracker {
 public:
  static constexpr size_t kMaxOutstanding = kMaxOutstandingSends;

  struct Send {
    int handle = -1;      // connection
    uint32_t client = 0;  // ClientInfo::number: handles (socket fds) are reused, numbers never
    int frame_slot = -1;  // FramePool slot of a frame, or -1
    int text_slot = -1;   // the glue's text buffer index, or -1
    size_t bytes = 0;
  };

  // Reserves a record; returns its token (>= 0), or -1 when kMaxOutstanding
  // sends are already in flight.
  int32_t begin(const Send& send, uint64_t now_us);
  // A completion (or a send that could not be queued). True with *out set
  // when the token is current; false when unknown or already reclaimed.
  bool finish(int32_t token, Send* out);
  // Frees every send older than max_age_us, copying them to out (room for
  // kMaxOutstanding); returns how many.
  size_t reclaim(uint64_t now_us, uint64_t max_age_us, Send* out);
  size_t outstanding() const;

 private:
  struct Record {
    bool used = false;
    uint16_t generation = 0;
    uint64_t since_us = 0;
    Send send;
  };
  Record records_[kMaxOutstanding];
};

}  // namespace camcore
