// libFuzzer harness for the command path: JSON commands (WebSocket and
// serial), human serial lines, WebSocket text routing (PING) and the serial
// line assembler, with and without a token.
//
// The first input byte picks the entry point and the token; the rest is the
// message. Every answer must be a single well-formed JSON object (or PONG)
// that fits its buffer, and the token must never appear in it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "camera_core/camera_state.h"
#include "camera_core/command_processor.h"
#include "camera_core/device_control.h"
#include "camera_core/serial_line.h"

namespace {

constexpr char kToken[] = "fuzz-Token_42";

void check(bool condition) {
  if (!condition) std::abort();
}

class NullDevice : public camcore::DeviceControl {
 public:
  uint64_t now_us() override { return clock += 1000; }
  bool apply_quality(int q) override { return q != 13; }  // one value "fails" in the sensor
  bool apply_frame_size(uint8_t i) override { return i != 7; }
  void request_reset() override {}
  bool set_server_running(bool) override { return true; }
  int broadcast_test() override { return 2; }
  camcore::SystemInfo system_info() override { return {180000, 1000, 8u << 20, 16u << 20, 20000000, "OV2640"}; }
  uint64_t clock = 0;
};

// `input_has_token`: the token text appears in the input at all; then it may
// legitimately come back (e.g. as an unknown command name), otherwise it
// must never appear in an answer.
void check_reply(const camcore::CommandOutput& out, bool expect_json, bool input_has_token) {
  check(out.reply_len < sizeof(out.reply));
  check(out.human_len < sizeof(out.human));
  const std::string reply(out.reply, out.reply_len);
  if (!input_has_token) {
    check(reply.find(kToken) == std::string::npos);
    check(std::string(out.human, out.human_len).find(kToken) == std::string::npos);
  }
  if (!expect_json || reply == "PONG") return;
  const nlohmann::json doc = nlohmann::json::parse(reply, nullptr, false);
  check(!doc.is_discarded() && doc.is_object());
  check(doc.contains("type"));
  const std::string type = doc["type"];
  if (type == "pong") return;
  check(type == "reply");
  check(doc.at("ok").is_boolean());
  check(doc.at("cmd").is_string());
  if (doc["ok"].get<bool>()) {
    check(doc.at("result").is_object());
  } else {
    check(doc.at("error").is_string() && doc.at("message").is_string());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const char* text = reinterpret_cast<const char*>(data + 1);
  const size_t len = size - 1;
  // Fresh state per input, so every crash reproduces from its input alone.
  camcore::CameraState state;
  NullDevice device;
  camcore::CommandProcessor p(state, device, (mode & 0x80) ? kToken : nullptr);
  static camcore::CommandOutput out;
  const std::string input(text, len);
  const bool has_token = input.find(kToken) != std::string::npos;
  out.reply_len = out.human_len = 0;
  switch (mode & 0x7F) {
    case 0:
      p.handle_json(text, len, camcore::Transport::WebSocket, out);
      check_reply(out, true, has_token);
      break;
    case 1:
      p.handle_json(text, len, camcore::Transport::Serial, out);
      check_reply(out, true, has_token);
      break;
    case 2:
      if (p.handle_human(text, len, out)) check_reply(out, true, has_token);
      break;
    case 3:
      if (p.handle_ws_text(text, len, 5, out)) check_reply(out, true, has_token);
      break;
    default: {
      camcore::SerialLineBuffer line;
      for (size_t i = 0; i < len; ++i) {
        if (line.feed(text[i]) == camcore::SerialLineBuffer::Event::Line) {
          check(line.length() <= camcore::kMaxSerialLine);
          check(std::strlen(line.line()) <= line.length());
          if (p.handle_human(line.line(), line.length(), out)) check_reply(out, true, has_token);
        }
      }
    }
  }
  check(state.settings.quality <= 63);
  check(state.settings.frame_size < camcore::kFrameSizeCount);
  check(state.pacer.fps() >= 1 && state.pacer.fps() <= 30);
  return 0;
}
