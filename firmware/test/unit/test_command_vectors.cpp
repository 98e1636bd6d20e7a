// Data-driven: every case of test/vectors/commands.json, JSON and human form.
#include <gtest/gtest.h>

#include <string>

#include "camera_core/command_processor.h"
#include "fake_device.h"
#include "vectors.h"

using camcore::CameraState;
using camcore::CommandOutput;
using camcore::CommandProcessor;
using camcore::Transport;
using nlohmann::json;

namespace {

struct Rig {
  explicit Rig(const char* token) : processor(state, device, token) {}
  CameraState state;
  camcore_test::FakeDevice device;
  CommandProcessor processor;
  CommandOutput out;
};

void check_reply(const json& reply, const json& expect, const std::string& name) {
  SCOPED_TRACE(name + ": " + reply.dump());
  EXPECT_EQ(reply.value("type", ""), "reply");
  EXPECT_EQ(reply.at("ok"), expect.at("ok"));
  if (expect.contains("id")) {
    if (expect["id"].is_null()) {
      EXPECT_FALSE(reply.contains("id"));
    } else {
      EXPECT_EQ(reply.value("id", ""), expect["id"]);
    }
  }
  if (expect.contains("cmd")) {
    EXPECT_EQ(reply.at("cmd"), expect["cmd"]);
  }
  if (expect.contains("error")) {
    EXPECT_EQ(reply.value("error", ""), expect["error"]);
    EXPECT_TRUE(reply.contains("message"));
    EXPECT_FALSE(reply.contains("result"));
  }
  if (expect.contains("result")) {
    ASSERT_TRUE(reply.contains("result"));
    EXPECT_TRUE(reply["result"].is_object());
    EXPECT_TRUE(camcore_test::json_contains(reply["result"], expect["result"]))
        << "expected at least " << expect["result"].dump();
  }
}

TEST(CommandVectors, InitialStateMatchesTheCore) {
  const json vectors = camcore_test::load_vectors("commands.json");
  const json& initial = vectors.at("initial_state");
  CameraState state;
  EXPECT_EQ(initial.at("streaming"), state.settings.streaming);
  EXPECT_EQ(initial.at("quality"), state.settings.quality);
  EXPECT_EQ(initial.at("frame_size"), "VGA");
  EXPECT_EQ(state.settings.frame_size, camcore::kFrameSizeVga);
  EXPECT_EQ(initial.at("fps_target"), state.pacer.fps());
  EXPECT_EQ(initial.at("verbose"), state.settings.verbose);
}

TEST(CommandVectors, JsonCases) {
  const json vectors = camcore_test::load_vectors("commands.json");
  ASSERT_FALSE(vectors.at("cases").empty());
  for (const json& c : vectors.at("cases")) {
    const std::string name = c.at("name");
    const std::string token = c.at("token").is_null() ? "" : c.at("token").get<std::string>();
    Rig rig(token.c_str());
    const std::string request = c.at("request");
    const Transport transport =
        c.at("transport") == "serial" ? Transport::Serial : Transport::WebSocket;
    rig.processor.handle_json(request.data(), request.size(), transport, rig.out);
    ASSERT_GT(rig.out.reply_len, 0u) << name;
    const json reply = json::parse(std::string(rig.out.reply, rig.out.reply_len));
    check_reply(reply, c.at("expect"), name);
  }
}

TEST(CommandVectors, HumanCases) {
  const json vectors = camcore_test::load_vectors("commands.json");
  ASSERT_FALSE(vectors.at("human").empty());
  for (const json& c : vectors.at("human")) {
    const std::string name = c.at("name");
    Rig rig(nullptr);
    const std::string line = c.at("line");
    ASSERT_TRUE(rig.processor.handle_human(line.data(), line.size(), rig.out)) << name;
    const json reply = json::parse(std::string(rig.out.reply, rig.out.reply_len));
    check_reply(reply, c.at("expect"), name);
    // A person gets readable text, starting with the [CMD] tag.
    const std::string text(rig.out.human, rig.out.human_len);
    EXPECT_EQ(text.rfind("[CMD] ", 0), 0u) << name << ": " << text;
  }
}

TEST(CommandVectors, WebSocketRouteGivesTheSameReplies) {
  // handle_ws_text must hand JSON commands to the same dispatcher.
  const json vectors = camcore_test::load_vectors("commands.json");
  for (const json& c : vectors.at("cases")) {
    if (c.at("transport") != "websocket") continue;
    const std::string request = c.at("request");
    if (request.empty() || request[0] != '{') continue;  // only objects are routed as commands
    const std::string token = c.at("token").is_null() ? "" : c.at("token").get<std::string>();
    Rig rig(token.c_str());
    ASSERT_TRUE(rig.processor.handle_ws_text(request.data(), request.size(), 1, rig.out));
    check_reply(json::parse(std::string(rig.out.reply, rig.out.reply_len)), c.at("expect"),
                c.at("name"));
  }
}

}  // namespace
