// libFuzzer harness for the viewer fan-out (StreamHub with ClientTable,
// FramePool and SendTracker): each input byte is one event (viewer joins or
// leaves, a frame is produced, a send completes, fails or is lost, time
// passes, a text is sent). After every event the books must balance: every
// frame-slot reference belongs to the producer or an outstanding send, at
// most one frame is in flight per viewer, and the producer finds a slot.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "camera_core/camera_state.h"
#include "camera_core/frame_pool.h"
#include "camera_core/stream_hub.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

struct Pending {
  int handle;
  int32_t token;
};

class Port : public camcore::SendPort {
 public:
  bool send_async(int handle, const uint8_t*, size_t, bool, int32_t token) override {
    if (refuse) return false;
    pending.push_back({handle, token});
    return true;
  }
  std::vector<Pending> pending;
  bool refuse = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  camcore::CameraState state;
  camcore::FramePool pool;
  Port port;
  camcore::StreamHub hub(state, pool, port);
  const uint8_t frame[8] = {};
  uint64_t now = 0;
  for (size_t i = 0; i < size; ++i) {
    const uint8_t op = data[i] & 0x0F;
    const uint8_t arg = data[i] >> 4;
    switch (op) {
      case 0:  // a viewer connects; fds are reused like sockets
        state.clients.add(3 + arg % 4, "v");
        break;
      case 1:  // a viewer disconnects (its sends may still complete later)
        state.clients.remove(3 + arg % 4);
        break;
      case 2:
      case 3: {  // the stream task produces a frame
        const int slot = pool.acquire();
        check(slot >= 0);  // never starved: one slot more than viewers
        hub.offer_frame(slot, frame, sizeof(frame), now);
        pool.release(slot);
        break;
      }
      case 4:
      case 5:
      case 6: {  // a queued send completes (ok for 4/5, failed for 6)
        if (port.pending.empty()) break;
        const size_t k = arg % port.pending.size();
        hub.on_complete(port.pending[k].token, op != 6);
        port.pending.erase(port.pending.begin() + static_cast<long>(k));
        break;
      }
      case 7:  // the server drops a queued send: its completion never comes
        if (!port.pending.empty()) port.pending.erase(port.pending.begin() + arg % port.pending.size());
        break;
      case 8: {  // time passes; lost sends are reclaimed
        now += static_cast<uint64_t>(arg + 1) * 5000000;
        int close[camcore::SendTracker::kMaxOutstanding];
        size_t n_close = 0;
        hub.reclaim(now, 30000000, close, &n_close);
        break;
      }
      case 9:
        hub.offer_text(arg % 4, "status", 6, now);
        break;
      case 10:
        port.refuse = !port.refuse;
        break;
      default:  // nothing happens
        break;
    }
    // Books balance: slot references == outstanding frame sends.
    size_t refs = 0;
    for (size_t s = 0; s < camcore::FramePool::kSlots; ++s) refs += pool.refs(static_cast<int>(s));
    check(hub.outstanding() <= camcore::SendTracker::kMaxOutstanding);
    check(refs <= hub.outstanding());
    size_t in_flight = 0;
    for (size_t c = 0; c < camcore::kMaxClients; ++c) {
      in_flight += state.clients.slot(c).active && state.clients.slot(c).in_flight;
    }
    check(in_flight <= hub.outstanding());
    if (hub.outstanding() == 0) check(refs == 0);
  }
  return 0;
}
