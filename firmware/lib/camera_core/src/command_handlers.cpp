// The commands themselves: each changes the state or asks the hardware, then
// writes its result (JSON for the reply, text for a person on the serial
// console). Parsing, authorisation and argument checks happen before, in
// command_processor.cpp.
#include "camera_core/camera_state.h"
#include "camera_core/command_processor.h"
#include "camera_core/frame_sizes.h"
#include "camera_core/messages.h"
#include "camera_core/protocol_limits.h"
#include "command_internal.h"

namespace camcore {

namespace {
FrameSettings applied(const Settings& s) { return FrameSettings{s.frame_size, s.quality}; }
}  // namespace

CommandProcessor::Outcome CommandProcessor::execute(const CommandSpec& spec, const Arg& arg,
                                                    int64_t number, ResultWriter& r) {
  Settings& settings = state_.settings;
  switch (spec.id) {
    case CommandId::Start:
      settings.streaming = true;
      r.say("Video streaming started");
      r.field("streaming", true);
      break;
    case CommandId::Stop:
      settings.streaming = false;
      r.say("Video streaming stopped");
      r.field("streaming", false);
      break;
    case CommandId::Reset:
      control_.request_reset();
      r.say("Camera reset: clients will be closed, streaming resumes in about 1 s");
      r.field("resetting", true);
      break;
    case CommandId::Quality: {
      const bool change = number != settings.quality;
      if (change) state_.timeline.begin_change(control_.frame_clock_us());
      if (!control_.apply_quality(static_cast<int>(number))) {
        if (change) state_.timeline.abort_change(control_.frame_clock_us());
        return Outcome::fail("failed", "%s: the sensor rejected the setting", spec.name);
      }
      settings.quality = static_cast<uint8_t>(number);
      if (change) state_.timeline.end_change(applied(settings), control_.frame_clock_us());
      r.say("JPEG quality set to %d", static_cast<int>(number));
      r.field("quality", static_cast<int>(number));
      break;
    }
    case CommandId::FrameSize: {
      const FrameSize* size = frame_size_at(static_cast<size_t>(number));
      const bool change = number != settings.frame_size;
      if (change) state_.timeline.begin_change(control_.frame_clock_us());
      if (!control_.apply_frame_size(static_cast<uint8_t>(number))) {
        if (change) state_.timeline.abort_change(control_.frame_clock_us());
        return Outcome::fail("failed", "%s: the sensor rejected the setting", spec.name);
      }
      settings.frame_size = static_cast<uint8_t>(number);
      if (change) state_.timeline.end_change(applied(settings), control_.frame_clock_us());
      r.say("Frame size set to %s (%ux%u)", size->name, static_cast<unsigned>(size->width),
            static_cast<unsigned>(size->height));
      r.field("frame_size", size->name);
      r.field("width", static_cast<uint32_t>(size->width));
      r.field("height", static_cast<uint32_t>(size->height));
      break;
    }
    case CommandId::Fps:
      state_.pacer.set_fps(static_cast<uint8_t>(number));
      r.say("Target frame rate set to %d fps", static_cast<int>(number));
      r.field("fps_target", static_cast<int>(number));
      break;
    case CommandId::Info: {
      const SystemInfo sys = control_.system_info();
      const FrameSize* size = frame_size_at(settings.frame_size);
      r.say("Camera and system information");
      r.field("firmware", kFirmwareVersion);
      r.field("protocol", kProtocolVersion);
      r.field("device", kDeviceName);
      r.field("sensor", sys.sensor);
      r.field("frame_size", size->name);
      r.field("width", static_cast<uint32_t>(size->width));
      r.field("height", static_cast<uint32_t>(size->height));
      r.field("quality", static_cast<uint32_t>(settings.quality));
      r.field("fps_target", static_cast<uint32_t>(state_.pacer.fps()));
      r.field("psram", sys.psram);
      r.field("flash", sys.flash);
      r.field("xclk_hz", sys.xclk_hz);
      r.field("auth", auth_required());
      break;
    }
    case CommandId::Stats: {
      const StreamStats& s = state_.stats;
      r.say("Performance statistics");
      r.field("frames", s.frames());
      r.field_tenths("fps", s.fps_tenths());
      r.field("dropped", s.dropped());
      r.field("capture_errors", s.capture_errors());
      r.field("bytes_sent", s.bytes_sent());
      r.field("avg_frame_bytes", s.avg_frame_bytes());
      r.field("uptime_us", control_.now_us());
      break;
    }
    case CommandId::Status:
      r.say("System status");
      // No single client asked: drops is the total skipped by flow control.
      write_status_fields(r, state_, control_.system_info(), state_.clients.frames_skipped(),
                          control_.now_us());
      break;
    case CommandId::Verbose:
      settings.verbose = arg.kind == Arg::Kind::None ? !settings.verbose : arg.len == 2;  // "on"
      r.say("Verbose logging %s", settings.verbose ? "on" : "off");
      r.field("verbose", settings.verbose);
      break;
    case CommandId::Clear:
      state_.stats.clear(control_.now_us());
      r.say("Statistics cleared");
      r.field("cleared", true);
      break;
    case CommandId::WebStats: {
      const ClientTable& c = state_.clients;
      r.say("WebSocket server statistics");
      r.field("running", settings.server_running);
      r.field("clients", static_cast<uint32_t>(c.count()));
      r.field("max_clients", static_cast<uint32_t>(kMaxClients));
      r.field("messages_sent", c.messages_sent());
      r.field("frames_skipped", c.frames_skipped());
      r.field("rejected", c.rejected());
      break;
    }
    case CommandId::Clients:
      r.say("Connected clients: %u", static_cast<unsigned>(state_.clients.count()));
      r.begin_list("clients");
      for (size_t i = 0; i < kMaxClients; ++i) {
        const ClientInfo& c = state_.clients.slot(i);
        if (!c.active) continue;
        r.begin_item();
        r.field("id", c.number);
        r.field("address", c.address);
        r.field("frames", c.frames);
        r.field("skipped", c.skipped);
        r.end_item();
      }
      r.end_list();
      break;
    case CommandId::WebStart:
    case CommandId::WebStop: {
      const bool running = spec.id == CommandId::WebStart;
      if (!control_.set_server_running(running)) {
        return Outcome::fail("failed", "%s: the server did not change state", spec.name);
      }
      settings.server_running = running;
      r.say("WebSocket server %s", running ? "started" : "stopped");
      r.field("running", running);
      break;
    }
    case CommandId::WsTest: {
      const int sent = control_.broadcast_test();
      r.say("Test message sent to %d client(s)", sent);
      r.field("sent", sent);
      break;
    }
    case CommandId::Help:
      r.say("Commands (serial: 'name [arg]', or a JSON object per line)");
      r.begin_list("commands");
      for (size_t i = 0; i < command_count(); ++i) {
        r.begin_item();
        r.field("cmd", command_at(i).name);
        r.field("summary", command_at(i).summary);
        r.end_item();
      }
      r.end_list();
      break;
  }
  return Outcome::ok();
}

}  // namespace camcore
