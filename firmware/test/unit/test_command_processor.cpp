// Behaviour of the dispatcher beyond the shared vectors: effects on state and
// hardware, WebSocket routing (PING), limits, human text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "camera_core/command_processor.h"
#include "fake_device.h"

using camcore::CommandOutput;
using camcore::CommandProcessor;
using camcore::Transport;
using nlohmann::json;

namespace {

struct Processor : ::testing::Test {
  camcore::CameraState state;
  camcore_test::FakeDevice device;
  CommandOutput out;

  json send(CommandProcessor& p, const std::string& text, Transport t = Transport::WebSocket) {
    p.handle_json(text.data(), text.size(), t, out);
    return json::parse(std::string(out.reply, out.reply_len));
  }
  std::string human(CommandProcessor& p, const std::string& line) {
    EXPECT_TRUE(p.handle_human(line.data(), line.size(), out));
    return std::string(out.human, out.human_len);
  }
};

TEST_F(Processor, SettingsReachTheHardwareAndTheState) {
  CommandProcessor p(state, device, nullptr);
  send(p, R"({"cmd":"quality","arg":30})");
  send(p, R"({"cmd":"framesize","arg":"QVGA"})");
  send(p, R"({"cmd":"fps","arg":10})");
  send(p, R"({"cmd":"stop"})");
  EXPECT_EQ(device.qualities, std::vector<int>{30});
  EXPECT_EQ(device.frame_sizes, std::vector<uint8_t>{3});
  EXPECT_EQ(state.settings.quality, 30);
  EXPECT_EQ(state.settings.frame_size, 3);
  EXPECT_EQ(state.pacer.fps(), 10);
  EXPECT_EQ(state.pacer.interval_us(), 100000u);
  EXPECT_FALSE(state.settings.streaming);
}

TEST_F(Processor, SensorFailureIsFailedAndLeavesStateAlone) {
  CommandProcessor p(state, device, nullptr);
  device.sensor_fails = true;
  const json reply = send(p, R"({"cmd":"quality","arg":30,"id":"f"})");
  EXPECT_EQ(reply["error"], "failed");
  EXPECT_EQ(reply["id"], "f");
  EXPECT_EQ(state.settings.quality, 12);
}

TEST_F(Processor, BadArgumentNeverTouchesTheHardware) {
  CommandProcessor p(state, device, nullptr);
  send(p, R"({"cmd":"quality","arg":true})");
  send(p, R"({"cmd":"quality","arg":[1]})");
  send(p, R"({"cmd":"quality","arg":1e1})");
  send(p, R"({"cmd":"framesize","arg":"vga"})");
  EXPECT_TRUE(device.qualities.empty());
  EXPECT_TRUE(device.frame_sizes.empty());
}

TEST_F(Processor, UnauthorizedCommandsHaveNoEffect) {
  CommandProcessor p(state, device, "s3cret");
  EXPECT_TRUE(p.auth_required());
  EXPECT_EQ(send(p, R"({"cmd":"reset","token":"s3cret!"})")["error"], "unauthorized");
  EXPECT_EQ(send(p, R"({"cmd":"reset","token":""})")["error"], "unauthorized");
  EXPECT_EQ(send(p, R"({"cmd":"reset","token":5})")["error"], "unauthorized");
  // The token is checked before the command is even looked up.
  EXPECT_EQ(send(p, R"({"cmd":"warp"})")["error"], "unauthorized");
  EXPECT_EQ(device.resets, 0);
  EXPECT_EQ(send(p, R"({"cmd":"reset","token":"s3cret"})")["ok"], true);
  EXPECT_EQ(device.resets, 1);
}

TEST_F(Processor, TokenIsNeverEchoed) {
  CommandProcessor p(state, device, "s3cret");
  for (const char* req : {R"({"cmd":"info","token":"s3cret"})", R"({"cmd":"info","token":"guess"})"}) {
    const std::string r = send(p, req).dump();
    EXPECT_EQ(r.find("s3cret"), std::string::npos) << r;
    EXPECT_EQ(r.find("guess"), std::string::npos) << r;
  }
}

TEST_F(Processor, IdLimitCountsCharactersNotBytes) {
  CommandProcessor p(state, device, nullptr);
  std::string id;
  for (int i = 0; i < 32; ++i) id += "\xc3\xa9";  // 32 characters, 64 bytes
  EXPECT_EQ(send(p, R"({"cmd":"start","id":")" + id + "\"}")["id"], id);
  EXPECT_EQ(send(p, R"({"cmd":"start","id":5})")["error"], "bad_request");
}

TEST_F(Processor, UnknownNamesAreEchoedShortened) {
  CommandProcessor p(state, device, nullptr);
  const std::string name(400, 'w');
  const json reply = send(p, R"({"cmd":")" + name + "\"}");
  EXPECT_EQ(reply["error"], "unknown_command");
  EXPECT_EQ(reply["cmd"].get<std::string>().size(), 32u);
}

// Regression (fuzz_commands crash): invalid UTF-8 in an echoed name.
TEST_F(Processor, EchoedNamesAreAlwaysValidUtf8) {
  CommandProcessor p(state, device, nullptr);
  const json reply = send(p, "{\"cmd\":\"\xf4\xf4\xf4status\",\"id\":\"i2\"}");
  EXPECT_EQ(reply["error"], "unknown_command");
  EXPECT_EQ(reply["id"], "i2");
  EXPECT_EQ(reply["cmd"], "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdstatus");
}

// Regression (fuzz_commands crash): an id of ~290 bytes that counted as a
// few "characters" (UTF-8 continuation bytes) was accepted, its escaped echo
// overflowed the reply buffer and the client got no reply at all.
TEST_F(Processor, IdMustBeValidUtf8) {
  CommandProcessor p(state, device, nullptr);
  const std::string id = "i1\xe6\xe6" + std::string(280, '\x82');
  const json reply = send(p, R"({"cmd":"info","id":")" + id + "\"}");
  EXPECT_EQ(reply["error"], "bad_request");
  EXPECT_FALSE(reply.contains("id"));
  EXPECT_EQ(send(p, "{\"cmd\":\"info\",\"id\":\"\xff\"}")["error"], "bad_request");
}

TEST_F(Processor, OversizeInputIsBadRequest) {
  CommandProcessor p(state, device, nullptr);
  std::string big = R"({"cmd":"stop","pad":")" + std::string(600, 'x') + "\"}";
  EXPECT_EQ(send(p, big)["error"], "bad_request");
  EXPECT_TRUE(state.settings.streaming);
  p.reply_too_long(out);
  EXPECT_EQ(json::parse(std::string(out.reply, out.reply_len))["error"], "bad_request");
}

TEST_F(Processor, WebStartStopOnlyOnSerial) {
  CommandProcessor p(state, device, nullptr);
  EXPECT_EQ(send(p, R"({"cmd":"webstop"})")["error"], "not_allowed");
  EXPECT_TRUE(device.server_calls.empty());
  EXPECT_EQ(send(p, R"({"cmd":"webstop"})", Transport::Serial)["result"]["running"], false);
  EXPECT_FALSE(state.settings.server_running);
  EXPECT_EQ(human(p, "webstart").rfind("[CMD] WebSocket server started", 0), 0u);
  EXPECT_EQ(device.server_calls, (std::vector<bool>{false, true}));
}

TEST_F(Processor, ClientsAndWebstatsReflectTheTable) {
  CommandProcessor p(state, device, nullptr);
  state.clients.add(7, "192.168.4.2:50000");
  state.clients.add(8, "192.168.4.3:50001");
  state.clients.begin_frame(7);
  state.clients.begin_frame(7);  // skipped: one in flight
  const json list = send(p, R"({"cmd":"clients"})")["result"]["clients"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], (json{{"id", 1}, {"address", "192.168.4.2:50000"}, {"frames", 0}, {"skipped", 1}}));
  const json stats = send(p, R"({"cmd":"webstats"})")["result"];
  EXPECT_EQ(stats["clients"], 2);
  EXPECT_EQ(stats["frames_skipped"], 1);
  EXPECT_EQ(stats["running"], true);
}

TEST_F(Processor, LargestRepliesFit) {
  CommandProcessor p(state, device, nullptr);
  for (int i = 0; i < 3; ++i) state.clients.add(i, "255.255.255.255:65535 padded to the limit!!!!");
  for (const char* cmd : {"help", "clients", "info", "stats", "status", "webstats"}) {
    const json reply = send(p, std::string(R"({"cmd":")") + cmd + R"(","id":"12345678901234567890123456789012"})");
    EXPECT_EQ(reply["ok"], true) << cmd << ": " << reply.dump();
    EXPECT_TRUE(p.handle_human(cmd, std::strlen(cmd), out));
    EXPECT_LT(out.human_len, sizeof(out.human) - 1) << cmd << " human text was cut";
  }
  EXPECT_EQ(send(p, R"({"cmd":"help"})")["result"]["commands"].size(), 17u);
}

TEST_F(Processor, StatsClearAndVerbose) {
  CommandProcessor p(state, device, nullptr);
  state.stats.on_frame(1000);
  state.stats.on_capture_error();
  json stats = send(p, R"({"cmd":"stats"})")["result"];
  EXPECT_EQ(stats["frames"], 1);
  EXPECT_EQ(stats["capture_errors"], 1);
  EXPECT_EQ(stats["avg_frame_bytes"], 1000);
  send(p, R"({"cmd":"clear"})");
  EXPECT_EQ(send(p, R"({"cmd":"stats"})")["result"]["frames"], 0);
  EXPECT_EQ(send(p, R"({"cmd":"verbose","arg":"on"})")["result"]["verbose"], true);
  EXPECT_EQ(send(p, R"({"cmd":"verbose","arg":"off"})")["result"]["verbose"], false);
  EXPECT_EQ(send(p, R"({"cmd":"verbose"})")["result"]["verbose"], true);
}

TEST_F(Processor, HumanTextIsReadable) {
  CommandProcessor p(state, device, nullptr);
  EXPECT_EQ(human(p, "quality 10"), "[CMD] JPEG quality set to 10\n  quality: 10\n");
  EXPECT_EQ(human(p, "quality 99"), "[CMD] Error (bad_argument): quality must be 0-63\n");
  EXPECT_EQ(human(p, "fps"), "[CMD] Error (bad_argument): fps needs an argument\n");
  EXPECT_NE(human(p, "clients").find("  clients:"), std::string::npos);
  EXPECT_FALSE(p.handle_human("  \t ", 4, out));
}

TEST_F(Processor, WebSocketTextRouting) {
  CommandProcessor p(state, device, nullptr);
  ASSERT_TRUE(p.handle_ws_text("PING", 4, 5, out));
  EXPECT_EQ(std::string(out.reply, out.reply_len), "PONG");
  device.clock_us = 9;
  ASSERT_TRUE(p.handle_ws_text("PING 1700000000123456789", 24, 5, out));
  EXPECT_EQ(json::parse(std::string(out.reply, out.reply_len)),
            (json{{"type", "pong"}, {"echo", "1700000000123456789"}, {"rx_us", 5}, {"tx_us", 9}}));
  // Not pings, not commands: ignored, as a v1 device would.
  for (const char* text : {"ping", "PING ", "PING  x", "PING a/b", "hello", "", "[1]"}) {
    EXPECT_FALSE(p.handle_ws_text(text, std::strlen(text), 5, out)) << text;
  }
  const std::string long_token = "PING " + std::string(33, 'a');
  EXPECT_FALSE(p.handle_ws_text(long_token.data(), long_token.size(), 5, out));
  ASSERT_TRUE(p.handle_ws_text(" {\"cmd\":\"stop\"}", 15, 5, out));
  EXPECT_FALSE(state.settings.streaming);
}

TEST_F(Processor, SerialJsonNeedsNoToken) {
  CommandProcessor p(state, device, "s3cret");
  EXPECT_EQ(send(p, R"({"cmd":"stop"})", Transport::Serial)["ok"], true);
}

}  // namespace
