#include "camera_core/stream_hub.h"

namespace camcore {

void StreamHub::offer_frame(int slot, const uint8_t* data, size_t len, uint64_t now_us) {
  ClientTable& clients = state_.clients;
  for (size_t i = 0; i < kMaxClients; ++i) {
    const ClientInfo& client = clients.slot(i);
    if (!client.active) continue;
    if (!clients.begin_frame(client.handle)) {  // busy: skipped for this viewer
      state_.stats.on_dropped();
      continue;
    }
    SendTracker::Send send;
    send.handle = client.handle;
    send.client = client.number;
    send.frame_slot = slot;
    send.bytes = len;
    const int32_t token = sends_.begin(send, now_us);
    // Reference before sending: the completion may run before send_async returns.
    if (token >= 0) pool_.retain(slot);
    if (token < 0 || !port_.send_async(client.handle, data, len, true, token)) {
      SendTracker::Send unused;
      if (token >= 0 && sends_.finish(token, &unused)) pool_.release(slot);
      clients.cancel_frame(client.handle);
      state_.stats.on_dropped();
    }
  }
}

bool StreamHub::offer_text(size_t i, const char* data, size_t len, uint64_t now_us) {
  if (i >= kMaxClients || text_busy_[i]) return false;
  const ClientInfo& client = state_.clients.slot(i);
  if (!client.active) return false;
  SendTracker::Send send;
  send.handle = client.handle;
  send.text_slot = static_cast<int>(i);
  send.bytes = len;
  const int32_t token = sends_.begin(send, now_us);
  if (token < 0) return false;
  text_busy_[i] = true;
  if (!port_.send_async(client.handle, reinterpret_cast<const uint8_t*>(data), len, false, token)) {
    SendTracker::Send unused;
    sends_.finish(token, &unused);
    text_busy_[i] = false;
    return false;
  }
  return true;
}

int StreamHub::complete(const SendTracker::Send& send, bool ok) {
  int close_handle = -1;
  if (send.frame_slot >= 0) {
    // Only the viewer the frame was sent to: its socket may have closed and
    // the fd been given to a newcomer while the send was queued.
    const ClientInfo* viewer = state_.clients.find(send.handle);
    if (viewer != nullptr && viewer->number == send.client &&
        state_.clients.finish_frame(send.handle, ok)) {
      close_handle = send.handle;
    }
    if (ok) state_.stats.on_sent(send.bytes);
    pool_.release(send.frame_slot);
  }
  if (send.text_slot >= 0) {
    text_busy_[send.text_slot] = false;
    if (ok) state_.clients.on_message_sent();
  }
  return close_handle;
}

int StreamHub::on_complete(int32_t token, bool ok) {
  SendTracker::Send send;
  if (!sends_.finish(token, &send)) return -1;  // reclaimed earlier: already accounted for
  return complete(send, ok);
}

size_t StreamHub::reclaim(uint64_t now_us, uint64_t max_age_us, int* close_handles,
                          size_t* n_close) {
  SendTracker::Send lost[SendTracker::kMaxOutstanding];
  const size_t n = sends_.reclaim(now_us, max_age_us, lost);
  *n_close = 0;
  for (size_t i = 0; i < n; ++i) {
    const int handle = complete(lost[i], false);
    if (handle >= 0) close_handles[(*n_close)++] = handle;
  }
  return n;
}

}  // namespace camcore
