// The fan-out of frames to viewers, driven the way the glue drives it: a
// frame every 50 ms, viewers completing their sends at different speeds.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "camera_core/camera_state.h"
#include "camera_core/frame_pool.h"
#include "camera_core/stream_hub.h"

namespace {

struct PendingSend {
  int handle;
  bool binary;
  int32_t token;
};

// Records sends; the test decides when (and whether) each completes.
class FakePort : public camcore::SendPort {
 public:
  bool send_async(int handle, const uint8_t*, size_t, bool binary, int32_t token) override {
    if (refuse) return false;
    pending.push_back({handle, binary, token});
    return true;
  }
  // Completes every pending send of `handle`; returns handles to close.
  std::vector<int> complete(camcore::StreamHub& hub, int handle, bool ok) {
    std::vector<int> close;
    for (size_t i = 0; i < pending.size();) {
      if (pending[i].handle != handle) {
        ++i;
        continue;
      }
      const int c = hub.on_complete(pending[i].token, ok);
      if (c >= 0) close.push_back(c);
      pending.erase(pending.begin() + static_cast<long>(i));
    }
    return close;
  }
  std::vector<PendingSend> pending;
  bool refuse = false;
};

struct Hub : ::testing::Test {
  camcore::CameraState state;
  camcore::FramePool pool;
  FakePort port;
  camcore::StreamHub hub{state, pool, port};
  uint8_t frame[16] = {};

  // What the stream task does per captured frame.
  void produce(uint64_t now_us) {
    const int slot = pool.acquire();
    ASSERT_GE(slot, 0) << "the producer must always find a free slot";
    hub.offer_frame(slot, frame, sizeof(frame), now_us);
    pool.release(slot);
  }
  int free_slots() const {
    int n = 0;
    for (size_t i = 0; i < camcore::FramePool::kSlots; ++i) n += pool.refs(static_cast<int>(i)) == 0;
    return n;
  }
};

TEST_F(Hub, SlowViewerSkipsFramesFastViewerGetsAll) {
  state.clients.add(1, "fast");
  state.clients.add(2, "slow");
  for (int f = 0; f < 30; ++f) {
    produce(static_cast<uint64_t>(f) * 50000);
    port.complete(hub, 1, true);
    if (f % 3 == 2) port.complete(hub, 2, true);  // needs three frame times per send
  }
  port.complete(hub, 2, true);
  EXPECT_EQ(state.clients.find(1)->frames, 30u);
  EXPECT_EQ(state.clients.find(1)->skipped, 0u);
  EXPECT_EQ(state.clients.find(2)->frames, 10u);
  EXPECT_EQ(state.clients.find(2)->skipped, 20u);
  EXPECT_EQ(state.stats.dropped(), 20u);
  EXPECT_EQ(state.stats.bytes_sent(), 40u * sizeof(frame));
  EXPECT_EQ(free_slots(), static_cast<int>(camcore::FramePool::kSlots));  // nothing leaked
  EXPECT_EQ(hub.outstanding(), 0u);
}

TEST_F(Hub, StalledViewersNeverStarveTheProducer) {
  for (int h = 1; h <= 3; ++h) state.clients.add(h, "stalled");
  for (int f = 0; f < 100; ++f) produce(static_cast<uint64_t>(f) * 50000);  // asserts a slot each time
  EXPECT_EQ(hub.outstanding(), 3u);
  EXPECT_EQ(state.clients.find(3)->skipped, 99u);
}

// Regression (fuzz_stream_hub): viewers that leave with a send in flight and
// come back could hold one slot more than there are viewers; with one slot
// per viewer plus one, the producer was starved.
TEST_F(Hub, DepartedViewersSendsDoNotStarveTheProducer) {
  for (int h = 3; h <= 5; ++h) state.clients.add(h, "v");
  // Each viewer ends up holding a different slot with a send that never completes.
  produce(0);
  port.complete(hub, 4, true);
  port.complete(hub, 5, true);
  produce(50000);
  port.complete(hub, 5, true);
  produce(100000);
  state.clients.remove(3);  // a viewer leaves, its send still queued...
  state.clients.add(3, "again");  // ...and a newcomer gets its fd
  produce(150000);  // fourth slot held, by the newcomer's send
  EXPECT_EQ(hub.outstanding(), camcore::SendTracker::kMaxOutstanding);
  for (int f = 4; f < 20; ++f) produce(static_cast<uint64_t>(f) * 50000);  // asserts a slot
}

TEST_F(Hub, LostCompletionsAreReclaimedOnce) {
  state.clients.add(1, "a");
  produce(0);
  ASSERT_EQ(port.pending.size(), 1u);
  const int32_t lost_token = port.pending[0].token;
  int close[camcore::SendTracker::kMaxOutstanding];
  size_t n_close = 0;
  EXPECT_EQ(hub.reclaim(29000000, 30000000, close, &n_close), 0u);
  EXPECT_EQ(hub.reclaim(31000000, 30000000, close, &n_close), 1u);
  EXPECT_EQ(n_close, 0u);  // one failure is not yet a reason to close
  EXPECT_EQ(free_slots(), static_cast<int>(camcore::FramePool::kSlots));
  EXPECT_FALSE(state.clients.find(1)->in_flight);
  // The lost completion turns up after all: ignored, nothing released twice.
  EXPECT_EQ(hub.on_complete(lost_token, true), -1);
  EXPECT_EQ(state.clients.find(1)->frames, 0u);
  produce(31050000);  // and the viewer gets frames again
  EXPECT_EQ(state.clients.find(1)->in_flight, true);
}

TEST_F(Hub, RepeatedFailuresCloseTheViewer) {
  state.clients.add(7, "failing");
  std::vector<int> close;
  for (int f = 0; f < camcore::ClientTable::kMaxFailures; ++f) {
    produce(static_cast<uint64_t>(f) * 50000);
    close = port.complete(hub, 7, false);
  }
  ASSERT_EQ(close.size(), 1u);
  EXPECT_EQ(close[0], 7);
}

TEST_F(Hub, CompletionForAClosedViewerDoesNotTouchTheNextOnTheSameFd) {
  state.clients.add(5, "old");
  produce(0);
  state.clients.remove(5);       // socket closed while the send is queued...
  state.clients.add(5, "new");   // ...and its fd given to a newcomer
  produce(50000);
  ASSERT_TRUE(state.clients.find(5)->in_flight);
  port.complete(hub, 5, false);  // both completions: the old one must be ignored
  EXPECT_EQ(state.clients.find(5)->failures, 1u);
  EXPECT_EQ(free_slots(), static_cast<int>(camcore::FramePool::kSlots));
}

TEST_F(Hub, RefusedSendsHoldNothing) {
  state.clients.add(1, "a");
  port.refuse = true;
  produce(0);
  EXPECT_FALSE(hub.offer_text(0, "x", 1, 0));
  EXPECT_EQ(free_slots(), static_cast<int>(camcore::FramePool::kSlots));
  EXPECT_EQ(hub.outstanding(), 0u);
  EXPECT_FALSE(hub.text_busy(0));
  EXPECT_EQ(state.clients.find(1)->skipped, 1u);
}

TEST_F(Hub, OneTextInFlightPerViewer) {
  state.clients.add(1, "a");
  EXPECT_TRUE(hub.offer_text(0, "status", 6, 0));
  EXPECT_TRUE(hub.text_busy(0));
  EXPECT_FALSE(hub.offer_text(0, "status", 6, 0));
  EXPECT_FALSE(hub.offer_text(1, "nobody", 6, 0));  // empty viewer slot
  EXPECT_FALSE(hub.offer_text(99, "x", 1, 0));
  port.complete(hub, 1, true);
  EXPECT_FALSE(hub.text_busy(0));
  EXPECT_EQ(state.clients.messages_sent(), 1u);
}

TEST_F(Hub, OutstandingSendsAreBounded) {
  for (int h = 1; h <= 3; ++h) state.clients.add(h, "v");
  produce(0);  // three frames in flight
  EXPECT_TRUE(hub.offer_text(0, "s", 1, 0));
  EXPECT_FALSE(hub.offer_text(1, "s", 1, 0));  // a fifth send would exceed the bound
  EXPECT_EQ(hub.outstanding(), camcore::SendTracker::kMaxOutstanding);
}

}  // namespace
