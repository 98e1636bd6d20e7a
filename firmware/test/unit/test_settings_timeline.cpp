// Issue #14, firmware side: the node's adaptive loop changes `quality` and
// `framesize` a few times a second while frames stream; every frame's APP4
// metadata must carry the settings it was really captured with, a frame
// exposed during a change is skipped without a sequence gap, and nothing
// grows or stalls with repeated changes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "camera_core/camera_state.h"
#include "camera_core/command_processor.h"
#include "camera_core/frame_sizes.h"
#include "camera_core/frame_source.h"
#include "camera_core/settings_timeline.h"
#include "fake_device.h"
#include "jpeg_builder.h"

using camcore::Attribution;
using camcore::FrameSettings;
using camcore::SettingsTimeline;

namespace {

constexpr uint8_t kVga = 5, kQvga = 3, kXga = 7;

Attribution at(const SettingsTimeline& t, uint64_t start, uint8_t size, FrameSettings* out) {
  const camcore::FrameSize* s = camcore::frame_size_at(size);
  return t.attribute(start, s->width, s->height, out);
}

}  // namespace

TEST(SettingsTimeline, FramesKeepTheSettingsInForceWhenTheyStarted) {
  SettingsTimeline t({kVga, 12});
  t.begin_change(1000);
  t.end_change({kVga, 30}, 1200);
  FrameSettings f{};
  ASSERT_EQ(at(t, 900, kVga, &f), Attribution::Ok);  // exposed before: still quality 12
  EXPECT_EQ(f.quality, 12);
  EXPECT_EQ(at(t, 1100, kVga, &f), Attribution::Settling);  // during the writes
  ASSERT_EQ(at(t, 1200, kVga, &f), Attribution::Ok);
  EXPECT_EQ(f.quality, 30);
  EXPECT_EQ(t.current().quality, 30);
}

TEST(SettingsTimeline, TheFramesOwnSizeMustAgree) {
  SettingsTimeline t({kVga, 12});
  t.begin_change(1000);
  t.end_change({kQvga, 12}, 1030);
  FrameSettings f{};
  // Started after the writes but the sensor still sent VGA: not trusted.
  EXPECT_EQ(at(t, 2000, kVga, &f), Attribution::Settling);
  ASSERT_EQ(at(t, 2000, kQvga, &f), Attribution::Ok);
  EXPECT_EQ(f.frame_size, kQvga);
  EXPECT_EQ(t.attribute(2000, 123, 45, &f), Attribution::UnknownSize);
}

TEST(SettingsTimeline, AStampOffOurClockDoesNotStopTheStream) {
  SettingsTimeline t({kVga, 12});
  for (uint64_t i = 1; i <= 6; ++i) {
    t.begin_change(10000000 * i);
    t.end_change({kVga, static_cast<uint8_t>(20 + i)}, 10000000 * i + 100);
  }
  FrameSettings f{};
  ASSERT_EQ(at(t, 0, kQvga, &f), Attribution::Ok);  // e.g. a driver that leaves it zero
  EXPECT_EQ(f.frame_size, kQvga);
  EXPECT_EQ(f.quality, 26);
}

TEST(SettingsTimeline, ASensorThatDisagreesForGoodDoesNotStopTheStream) {
  SettingsTimeline t({kVga, 12});
  t.begin_change(1000);
  t.abort_change(1030);  // a framesize write that half failed: the books say VGA
  FrameSettings f{};
  const uint64_t settled = 1030 + SettingsTimeline::kSizeSettleUs;
  EXPECT_EQ(at(t, settled - 1, kQvga, &f), Attribution::Settling);
  ASSERT_EQ(at(t, settled, kQvga, &f), Attribution::Ok);
  EXPECT_EQ(f.frame_size, kQvga);  // the frame's own size
  EXPECT_EQ(f.quality, 12);
}

TEST(SettingsTimeline, WhileAChangeIsBeingWrittenNewerFramesSettle) {
  SettingsTimeline t({kVga, 12});
  t.begin_change(5000);
  EXPECT_TRUE(t.changing());
  FrameSettings f{};
  EXPECT_EQ(at(t, 4000, kVga, &f), Attribution::Ok);
  EXPECT_EQ(at(t, 5000, kVga, &f), Attribution::Settling);
  t.abort_change(5100);  // the sensor refused: old settings, the window stays untrusted
  EXPECT_FALSE(t.changing());
  EXPECT_EQ(t.current().quality, 12);
  EXPECT_EQ(at(t, 5050, kVga, &f), Attribution::Settling);
  EXPECT_EQ(at(t, 5100, kVga, &f), Attribution::Ok);
}

TEST(SettingsTimeline, HistoryIsBoundedAndResetForgetsIt) {
  SettingsTimeline t({kVga, 12});
  for (uint64_t i = 1; i <= 1000; ++i) {  // far more changes than remembered
    t.begin_change(i * 100);
    t.end_change({kVga, static_cast<uint8_t>(i % 64)}, i * 100 + 10);
  }
  FrameSettings f{};
  ASSERT_EQ(at(t, 100000 + 50, kVga, &f), Attribution::Ok);
  EXPECT_EQ(f.quality, 1000 % 64);
  ASSERT_EQ(at(t, 99900 + 50, kVga, &f), Attribution::Ok);
  EXPECT_EQ(f.quality, 999 % 64);
  // Older than every remembered change: unknown, so not sent.
  EXPECT_EQ(at(t, 50, kVga, &f), Attribution::Settling);
  t.reset({kXga, 40});
  ASSERT_EQ(at(t, 0, kXga, &f), Attribution::Ok);
  EXPECT_EQ(f.quality, 40);
}

TEST(FrameSizes, InitSizeCoversEveryTableEntry) {
  const camcore::FrameSize* largest = camcore::frame_size_at(camcore::kLargestFrameSize);
  ASSERT_NE(largest, nullptr);
  EXPECT_EQ(camcore::frame_size_at(camcore::kLargestFrameSize + 1), nullptr);
  EXPECT_EQ(camcore::kLargestJpegBufferBytes,
            camcore::driver_jpeg_buffer_bytes(largest->width, largest->height));
  for (size_t i = 0; i < camcore::kFrameSizeCount; ++i) {
    const camcore::FrameSize* s = camcore::frame_size_at(i);
    EXPECT_LE(camcore::driver_jpeg_buffer_bytes(s->width, s->height),
              camcore::kLargestJpegBufferBytes);
    EXPECT_EQ(camcore::frame_size_index_of(s->width, s->height), static_cast<int>(i));
  }
  EXPECT_EQ(camcore::frame_size_index_of(1600, 1200), -1);
}

TEST(DescribeFrame, MetadataIsTheFramesOwnAndSettlingTakesNoSequence) {
  camcore::CameraState state;
  camcore_test::FakeDevice device;
  camcore::CommandProcessor p(state, device, nullptr);
  camcore::CommandOutput out;
  const std::vector<uint8_t> vga = camcore_test::ov2640_like_jpeg(640, 480);
  const std::vector<uint8_t> qvga = camcore_test::ov2640_like_jpeg(320, 240);
  camcore::FrameMeta meta{};

  device.clock_us = 1000000;
  device.write_us = 20000;
  const std::string cmd = R"({"cmd":"framesize","arg":"QVGA"})";
  p.handle_json(cmd.data(), cmd.size(), camcore::Transport::WebSocket, out);
  ASSERT_EQ(state.settings.frame_size, kQvga);

  // Queued in the driver since before the command: VGA, and says so.
  ASSERT_EQ(camcore::describe_frame(state, vga.data(), vga.size(), 990000, 7, &meta),
            Attribution::Ok);
  EXPECT_EQ(meta.frame_size, kVga);
  EXPECT_EQ(meta.quality, 12);
  EXPECT_EQ(meta.sequence, 0u);
  EXPECT_EQ(meta.capture_us, 7u);
  // Started during the register writes: skipped, counted, no sequence used.
  EXPECT_EQ(camcore::describe_frame(state, qvga.data(), qvga.size(), 1010000, 8, &meta),
            Attribution::Settling);
  EXPECT_EQ(state.stats.settling(), 1u);
  ASSERT_EQ(camcore::describe_frame(state, qvga.data(), qvga.size(), 1040000, 9, &meta),
            Attribution::Ok);
  EXPECT_EQ(meta.frame_size, kQvga);
  EXPECT_EQ(meta.sequence, 1u);
  EXPECT_EQ(state.stats.frames(), 2u);
  // A frame without a readable SOF is a capture error.
  const uint8_t junk[] = {0xFF, 0xD8, 0xFF, 0xD9};
  EXPECT_EQ(camcore::describe_frame(state, junk, sizeof(junk), 1090000, 10, &meta),
            Attribution::UnknownSize);
  EXPECT_EQ(state.stats.capture_errors(), 1u);
  state.stats.clear(0);
  EXPECT_EQ(state.stats.settling(), 0u);
}

TEST(DescribeFrame, ANoOpSettingCostsNoFrame) {
  camcore::CameraState state;
  camcore_test::FakeDevice device;
  camcore::CommandProcessor p(state, device, nullptr);
  camcore::CommandOutput out;
  device.write_us = 5000;
  const std::string cmd = R"({"cmd":"quality","arg":12})";  // already 12
  p.handle_json(cmd.data(), cmd.size(), camcore::Transport::WebSocket, out);
  EXPECT_EQ(device.qualities, std::vector<int>{12});  // still written (harmless)
  const std::vector<uint8_t> vga = camcore_test::ov2640_like_jpeg(640, 480);
  camcore::FrameMeta meta{};
  EXPECT_EQ(camcore::describe_frame(state, vga.data(), vga.size(), device.clock_us - 1, 0, &meta),
            Attribution::Ok);
}

// A model of the OV2640 behind esp32-camera: a frame starts every 50 ms and
// is exposed with the registers in force at its start (one started during a
// write is mixed); the driver hands it over up to two frame periods later
// (CAMERA_GRAB_LATEST, fb_count = 2). The node's loop changes quality or
// frame size up to three times a second. Every delivered frame must carry its
// true settings, mixed ones none, and the sequence must have no gap.
TEST(DescribeFrame, AdaptiveChangesWhileStreamingAreAttributedExactly) {
  camcore::CameraState state;
  camcore_test::FakeDevice device;
  camcore::CommandProcessor p(state, device, nullptr);
  camcore::CommandOutput out;
  struct Change {
    uint64_t busy_from, from;
    FrameSettings s;
  };
  std::vector<Change> truth = {{0, 0, {kVga, 12}}};
  constexpr uint64_t kPeriod = 50000, kDelay = 2 * kPeriod - 7000;
  uint32_t expected_sequence = 0, settling = 0, changes = 0;
  uint64_t next_command = 333000;
  const char* const commands[] = {
      R"({"cmd":"quality","arg":20})",       R"({"cmd":"quality","arg":30})",
      R"({"cmd":"framesize","arg":"QVGA"})", R"({"cmd":"quality","arg":12})",
      R"({"cmd":"framesize","arg":"VGA"})",  R"({"cmd":"framesize","arg":"QQVGA"})"};
  for (uint64_t k = 0; k < 400; ++k) {
    const uint64_t start = k * kPeriod + 1000;
    const uint64_t delivered = start + kDelay;
    // Commands due before this frame is delivered run first, as on the device.
    while (next_command < delivered) {
      const std::string cmd = commands[changes % 6];
      device.clock_us = next_command;
      device.write_us = cmd.find("framesize") != std::string::npos ? 30000 : 2000;
      p.handle_json(cmd.data(), cmd.size(), camcore::Transport::WebSocket, out);
      truth.push_back(
          {next_command, device.clock_us, {state.settings.frame_size, state.settings.quality}});
      ++changes;
      next_command += 333000;
    }
    // The frame's true settings, or none when it started during a write.
    const Change* in_force = &truth.front();
    bool mixed = false;
    for (const Change& c : truth) {
      if (start >= c.from) in_force = &c;
      if (start >= c.busy_from && start < c.from) mixed = true;
    }
    const camcore::FrameSize* size = camcore::frame_size_at(in_force->s.frame_size);
    const std::vector<uint8_t> jpeg = camcore_test::ov2640_like_jpeg(size->width, size->height);
    camcore::FrameMeta meta{};
    const Attribution verdict =
        camcore::describe_frame(state, jpeg.data(), jpeg.size(), start, delivered, &meta);
    if (mixed) {
      EXPECT_EQ(verdict, Attribution::Settling) << "frame " << k;
      ++settling;
      continue;
    }
    ASSERT_EQ(verdict, Attribution::Ok) << "frame " << k;
    EXPECT_EQ(meta.frame_size, in_force->s.frame_size) << "frame " << k;
    EXPECT_EQ(meta.quality, in_force->s.quality) << "frame " << k;
    EXPECT_EQ(meta.sequence, expected_sequence++) << "frame " << k;
  }
  EXPECT_GE(changes, 55u);
  EXPECT_GT(settling, 0u);       // the case is exercised
  EXPECT_LE(settling, changes);  // at most one frame per change
  EXPECT_GE(expected_sequence, 400u - changes);
  EXPECT_EQ(state.stats.settling(), settling);
}
