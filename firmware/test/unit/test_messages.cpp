// Device-produced messages (welcome, status, pong, test, replies) must have
// the shape test/vectors/messages.json gives for them: same keys, same JSON
// types, so the node's parser accepts what the firmware sends.
#include <gtest/gtest.h>

#include <string>

#include "camera_core/command_processor.h"
#include "camera_core/messages.h"
#include "camera_core/ping.h"
#include "fake_device.h"
#include "vectors.h"

using nlohmann::json;

namespace {

// Same key set, and each value of the same JSON kind (numbers: integer vs float kept apart
// only where the vector uses a float, as for fps).
void expect_same_shape(const json& ours, const json& reference, const std::string& name) {
  SCOPED_TRACE(name + ": ours=" + ours.dump());
  for (auto it = reference.begin(); it != reference.end(); ++it) {
    ASSERT_TRUE(ours.contains(it.key())) << "missing " << it.key();
    const json& mine = ours[it.key()];
    if (it.value().is_number()) {
      EXPECT_TRUE(mine.is_number()) << it.key();
      if (it.value().is_number_float()) {
        EXPECT_TRUE(mine.is_number_float()) << it.key();
      }
      if (it.value().is_number_integer()) {
        EXPECT_TRUE(mine.is_number_integer()) << it.key();
      }
    } else {
      EXPECT_EQ(mine.type(), it.value().type()) << it.key();
    }
  }
  for (auto it = ours.begin(); it != ours.end(); ++it) {
    EXPECT_TRUE(reference.contains(it.key())) << "extra key " << it.key();
  }
}

json find_case(const json& vectors, const std::string& name) {
  for (const json& c : vectors.at("cases")) {
    if (c.at("name") == name) return json::parse(c.at("text").get<std::string>());
  }
  throw std::runtime_error("no vector " + name);
}

struct Fixture : ::testing::Test {
  camcore::CameraState state;
  camcore_test::FakeDevice device;
  char buf[1024];
  json vectors = camcore_test::load_vectors("messages.json");
};

TEST_F(Fixture, WelcomeHasTheV2Shape) {
  const size_t n = camcore::write_welcome(state, true, buf, sizeof(buf));
  ASSERT_GT(n, 0u);
  const json ours = json::parse(std::string(buf, n));
  expect_same_shape(ours, find_case(vectors, "welcome_v2"), "welcome_v2");
  EXPECT_EQ(ours["protocol"], 2);
  EXPECT_EQ(ours["firmware"], CAMCORE_FIRMWARE_VERSION);  // firmware/VERSION, via CMake
  EXPECT_EQ(ours["auth"], true);
  EXPECT_EQ(ours["width"], 640);
  EXPECT_EQ(ours["max_clients"], 3);
}

TEST_F(Fixture, StatusHasTheV2Shape) {
  state.stats.on_frame(1000);
  state.stats.update_fps(2000000);  // 1 frame in 2 s -> 0.5 fps, a float on the wire
  const size_t n = camcore::write_status(state, device.info, 3, 61700123, buf, sizeof(buf));
  ASSERT_GT(n, 0u);
  const json ours = json::parse(std::string(buf, n));
  expect_same_shape(ours, find_case(vectors, "status_v2"), "status_v2");
  EXPECT_EQ(ours["timestamp"], 61700);
  EXPECT_EQ(ours["uptime_us"], 61700123);
  EXPECT_EQ(ours["drops"], 3);
  EXPECT_DOUBLE_EQ(ours["fps"].get<double>(), 0.5);
  EXPECT_EQ(ours["heap"], 180000);
}

TEST_F(Fixture, PongHasTheV2Shape) {
  const char text[] = "PING 123456789";
  const camcore::Ping ping = camcore::parse_ping(text, sizeof(text) - 1);
  const size_t n = camcore::write_pong(ping, 61700123, 61700150, buf, sizeof(buf));
  ASSERT_GT(n, 0u);
  const json ours = json::parse(std::string(buf, n));
  expect_same_shape(ours, find_case(vectors, "pong_v2"), "pong_v2");
  EXPECT_EQ(ours, find_case(vectors, "pong_v2"));
}

TEST_F(Fixture, TestMessageMatches) {
  const size_t n = camcore::write_test_message(buf, sizeof(buf));
  EXPECT_EQ(json::parse(std::string(buf, n)), find_case(vectors, "wstest"));
}

TEST_F(Fixture, RepliesHaveTheShapesOfTheVectors) {
  camcore::CommandProcessor processor(state, device, nullptr);
  camcore::CommandOutput out;
  const std::string ok = R"({"cmd":"quality","arg":10,"id":"n7"})";
  processor.handle_json(ok.data(), ok.size(), camcore::Transport::WebSocket, out);
  EXPECT_EQ(json::parse(std::string(out.reply, out.reply_len)), find_case(vectors, "reply_ok"));
  const std::string bad = R"({"cmd":"warp","id":"n8"})";
  processor.handle_json(bad.data(), bad.size(), camcore::Transport::WebSocket, out);
  EXPECT_EQ(json::parse(std::string(out.reply, out.reply_len)), find_case(vectors, "reply_error"));
}

TEST_F(Fixture, WelcomeFollowsSettings) {
  state.settings.frame_size = 3;
  state.settings.quality = 30;
  state.pacer.set_fps(10);
  const json ours = json::parse(std::string(buf, camcore::write_welcome(state, false, buf, sizeof(buf))));
  EXPECT_EQ(ours["frame_size"], "QVGA");
  EXPECT_EQ(ours["width"], 320);
  EXPECT_EQ(ours["quality"], 30);
  EXPECT_EQ(ours["fps_target"], 10);
  EXPECT_EQ(ours["auth"], false);
}

TEST_F(Fixture, TooSmallBufferGivesZeroNotHalfAMessage) {
  EXPECT_EQ(camcore::write_welcome(state, false, buf, 40), 0u);
  EXPECT_EQ(camcore::write_status(state, device.info, 0, 1, buf, 40), 0u);
}

}  // namespace
