// Flow control, pacing, statistics and the small console helpers.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "camera_core/client_table.h"
#include "camera_core/frame_pacer.h"
#include "camera_core/frame_pool.h"
#include "camera_core/low_memory.h"
#include "camera_core/protocol_limits.h"
#include "camera_core/send_tracker.h"
#include "camera_core/serial_line.h"
#include "camera_core/stream_stats.h"
#include "camera_core/token.h"

namespace {

TEST(ClientTable, AtMostThreeClients) {
  camcore::ClientTable t;
  EXPECT_NE(t.add(1, "a"), nullptr);
  EXPECT_EQ(t.add(1, "a"), nullptr);  // same handle twice
  EXPECT_NE(t.add(2, "b"), nullptr);
  EXPECT_NE(t.add(3, "c"), nullptr);
  EXPECT_TRUE(t.full());
  EXPECT_EQ(t.add(4, "d"), nullptr);
  EXPECT_TRUE(t.remove(2));
  EXPECT_FALSE(t.remove(2));
  const camcore::ClientInfo* d = t.add(4, "d");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->number, 4u);  // numbers are never reused
}

TEST(ClientTable, OneFrameInFlightPerClient) {
  camcore::ClientTable t;
  t.add(1, "a");
  t.add(2, "b");
  EXPECT_TRUE(t.begin_frame(1));
  EXPECT_FALSE(t.begin_frame(1));  // busy: skipped
  EXPECT_FALSE(t.begin_frame(1));
  EXPECT_TRUE(t.begin_frame(2));  // other clients are not held back
  EXPECT_EQ(t.find(1)->skipped, 2u);
  EXPECT_EQ(t.frames_skipped(), 2u);
  EXPECT_FALSE(t.finish_frame(1, true));
  EXPECT_EQ(t.find(1)->frames, 1u);
  EXPECT_TRUE(t.begin_frame(1));
  t.cancel_frame(1);  // could not queue: skipped, not a failure
  EXPECT_EQ(t.find(1)->failures, 0u);
  EXPECT_TRUE(t.begin_frame(1));
  EXPECT_FALSE(t.begin_frame(99));  // unknown handle
}

TEST(ClientTable, ClosesAfterConsecutiveFailures) {
  camcore::ClientTable t;
  t.add(1, "a");
  for (int i = 1; i < camcore::ClientTable::kMaxFailures; ++i) {
    ASSERT_TRUE(t.begin_frame(1));
    EXPECT_FALSE(t.finish_frame(1, false)) << i;
  }
  ASSERT_TRUE(t.begin_frame(1));
  EXPECT_FALSE(t.finish_frame(1, true));  // a success resets the run
  for (int i = 1; i < camcore::ClientTable::kMaxFailures; ++i) {
    ASSERT_TRUE(t.begin_frame(1));
    EXPECT_FALSE(t.finish_frame(1, false));
  }
  ASSERT_TRUE(t.begin_frame(1));
  EXPECT_TRUE(t.finish_frame(1, false));
  t.remove(1);
  EXPECT_FALSE(t.finish_frame(1, false));  // completion after close is harmless
}

TEST(FramePool, SlotsAreHeldUntilEverySendCompletes) {
  camcore::FramePool pool;
  const int a = pool.acquire();
  ASSERT_GE(a, 0);
  pool.retain(a);
  pool.retain(a);
  EXPECT_FALSE(pool.release(a));  // producer done, two sends in flight
  for (size_t i = 1; i < camcore::FramePool::kSlots; ++i) {
    const int other = pool.acquire();
    ASSERT_GE(other, 0);
    EXPECT_NE(other, a);
  }
  EXPECT_EQ(pool.acquire(), -1);  // all busy
  EXPECT_FALSE(pool.release(a));
  EXPECT_TRUE(pool.release(a));
  EXPECT_EQ(pool.acquire(), a);
  EXPECT_FALSE(pool.release(-1));
  EXPECT_FALSE(pool.release(static_cast<int>(camcore::FramePool::kSlots)));
}

TEST(FramePool, OneSendPerClientNeverStarvesTheProducer) {
  // Every client holds a different slot with its one in-flight send.
  camcore::FramePool pool;
  for (size_t i = 0; i < camcore::kMaxClients; ++i) {
    const int s = pool.acquire();
    pool.retain(s);
    pool.release(s);
  }
  EXPECT_GE(pool.acquire(), 0);
}

TEST(FramePacer, KeepsTheRateWithoutBursting) {
  camcore::FramePacer p(20);
  EXPECT_TRUE(p.due(0));
  p.on_frame(0);
  EXPECT_FALSE(p.due(49999));
  EXPECT_EQ(p.wait_us(40000), 10000u);
  EXPECT_TRUE(p.due(50000));
  p.on_frame(52000);  // a little late: schedule stays on the grid
  EXPECT_TRUE(p.due(100000));
  p.on_frame(400000);  // very late: restart from now, no burst of catch-up frames
  EXPECT_FALSE(p.due(449999));
  EXPECT_TRUE(p.due(450000));
  p.hold_until(2000000);
  EXPECT_FALSE(p.due(1999999));
  p.set_fps(30);
  EXPECT_EQ(p.interval_us(), 33333u);
  p.set_fps(0);
  EXPECT_EQ(p.fps(), 1);
}

TEST(StreamStats, FpsOverOneSecondWindows) {
  camcore::StreamStats s;
  s.clear(0);
  for (int i = 0; i < 20; ++i) s.on_frame(100);
  s.update_fps(500000);  // window too short: no change
  EXPECT_EQ(s.fps_tenths(), 0u);
  s.update_fps(1010000);
  EXPECT_EQ(s.fps_tenths(), 198u);  // 20 frames in 1.01 s
  s.update_fps(2010000);
  EXPECT_EQ(s.fps_tenths(), 0u);  // nothing since
  EXPECT_EQ(s.next_sequence(), 0u);
  EXPECT_EQ(s.next_sequence(), 1u);
  s.clear(3000000);
  EXPECT_EQ(s.frames(), 0u);
  EXPECT_EQ(s.next_sequence(), 2u);  // clear does not rewind the sequence
}

TEST(LowMemory, RateLimitedToOncePerTenSeconds) {
  camcore::LowMemoryMonitor m;
  EXPECT_FALSE(m.check(50000, 0));
  EXPECT_TRUE(m.check(49999, 1000));
  EXPECT_FALSE(m.check(1000, 1000 + 9999999));
  EXPECT_TRUE(m.check(1000, 1000 + 10000000));
  char line[80];
  ASSERT_GT(camcore::format_low_memory(45000, line, sizeof(line)), 0u);
  EXPECT_STREQ(line, "[WARNING] Low memory detected: 45000 bytes");
  EXPECT_EQ(camcore::format_low_memory(45000, line, 10), 0u);
}

std::string feed(camcore::SerialLineBuffer& b, const std::string& bytes, int* overflows) {
  std::string last;
  for (char c : bytes) {
    const auto e = b.feed(c);
    if (e == camcore::SerialLineBuffer::Event::Line) last.assign(b.line(), b.length());
    if (e == camcore::SerialLineBuffer::Event::Overflow) ++*overflows;
  }
  return last;
}

TEST(SerialLine, SplitsLinesAndDropsCarriageReturn) {
  camcore::SerialLineBuffer b;
  int overflows = 0;
  EXPECT_EQ(feed(b, "stats\r\n", &overflows), "stats");
  EXPECT_EQ(feed(b, "quality 10\n", &overflows), "quality 10");
  EXPECT_EQ(overflows, 0);
}

TEST(SerialLine, LimitIs256BytesWithOrWithoutCarriageReturn) {
  camcore::SerialLineBuffer b;
  int overflows = 0;
  const std::string max(camcore::kMaxSerialLine, 'a');
  EXPECT_EQ(feed(b, max + "\r\n", &overflows), max);
  EXPECT_EQ(feed(b, max + "\n", &overflows), max);
  EXPECT_EQ(overflows, 0);
  feed(b, max + "b\n", &overflows);
  EXPECT_EQ(overflows, 1);
  // A very long line is reported once, and the next line is intact.
  EXPECT_EQ(feed(b, std::string(5000, 'x') + "\nstop\n", &overflows), "stop");
  EXPECT_EQ(overflows, 2);
}

TEST(Token, ComparesExactly) {
  EXPECT_TRUE(camcore::token_equals("s3cret", 6, "s3cret", 6));
  EXPECT_FALSE(camcore::token_equals("s3cre", 5, "s3cret", 6));
  EXPECT_FALSE(camcore::token_equals("s3crets3cret", 12, "s3cret", 6));  // not a prefix match
  EXPECT_FALSE(camcore::token_equals("s3cres", 6, "s3cret", 6));
  EXPECT_FALSE(camcore::token_equals("", 0, "", 0));  // no token configured: nothing matches
}

}  // namespace

namespace {

TEST(SendTracker, BoundsOutstandingSends) {
  camcore::SendTracker t;
  int32_t tokens[camcore::SendTracker::kMaxOutstanding];
  for (auto& token : tokens) {
    token = t.begin({1, 0, 0, -1, 10}, 0);
    ASSERT_GE(token, 0);
  }
  EXPECT_EQ(t.begin({2, 0, 1, -1, 10}, 0), -1);  // full: the caller skips the frame
  camcore::SendTracker::Send s;
  ASSERT_TRUE(t.finish(tokens[1], &s));
  EXPECT_EQ(s.handle, 1);
  EXPECT_EQ(s.bytes, 10u);
  EXPECT_FALSE(t.finish(tokens[1], &s));  // completes once only
  EXPECT_GE(t.begin({2, 0, 1, -1, 10}, 0), 0);
  EXPECT_EQ(t.outstanding(), camcore::SendTracker::kMaxOutstanding);
}

TEST(SendTracker, LostSendsAreReclaimedAndLateCompletionsIgnored) {
  camcore::SendTracker t;
  const int32_t old_send = t.begin({1, 0, 2, -1, 100}, 1000);
  const int32_t young = t.begin({2, 0, -1, 0, 50}, 20000000);
  camcore::SendTracker::Send lost[camcore::SendTracker::kMaxOutstanding];
  EXPECT_EQ(t.reclaim(20000000, 30000000, lost), 0u);
  ASSERT_EQ(t.reclaim(31000001, 30000000, lost), 1u);
  EXPECT_EQ(lost[0].frame_slot, 2);
  // The record is reused; the stale token must not complete the new send.
  const int32_t reuse = t.begin({3, 0, 0, -1, 1}, 31000002);
  ASSERT_GE(reuse, 0);
  camcore::SendTracker::Send s;
  EXPECT_FALSE(t.finish(old_send, &s));
  ASSERT_TRUE(t.finish(reuse, &s));
  EXPECT_EQ(s.handle, 3);
  ASSERT_TRUE(t.finish(young, &s));
  EXPECT_EQ(s.text_slot, 0);
  EXPECT_FALSE(t.finish(-1, &s));
  EXPECT_FALSE(t.finish(0x7F00 | 200, &s));  // index out of range
}

}  // namespace
