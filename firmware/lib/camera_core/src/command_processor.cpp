#include "command_processor.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "frame_sizes.h"
#include "limits.h"
#include "messages.h"
#include "ping.h"
#include "token.h"
#include "utf8.h"

namespace camcore {

struct CommandProcessor::Arg {
  enum class Kind : uint8_t { None, Integer, String, Other };
  Kind kind = Kind::None;
  int64_t integer = 0;
  const char* str = nullptr;
  size_t len = 0;
};

struct CommandProcessor::Outcome {
  const char* error = nullptr;  // nullptr: success
  char message[96] = {};

  static Outcome ok() { return Outcome{}; }
  static Outcome fail(const char* code, const char* fmt, ...)
#if defined(__GNUC__)
      __attribute__((format(printf, 2, 3)))
#endif
  {
    Outcome o;
    o.error = code;
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(o.message, sizeof(o.message), fmt, args);
    va_end(args);
    return o;
  }
};

namespace {

constexpr size_t kMaxEchoedName = 32;  // unknown command names are echoed at most this long

// Cuts at most `max` bytes without splitting a UTF-8 sequence.
size_t utf8_prefix(const char* s, size_t len, size_t max) {
  if (len <= max) return len;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Strict decimal integer for a human argument ("10", "-1"); false otherwise.
bool parse_decimal(const char* s, size_t len, int64_t* out) {
  size_t i = 0;
  const bool negative = len > 0 && s[0] == '-';
  if (negative) i = 1;
  if (i == len || len - i > 18) return false;  // 18 digits always fit in int64
  int64_t v = 0;
  for (; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = negative ? -v : v;
  return true;
}

}  // namespace

CommandProcessor::CommandProcessor(CameraState& state, DeviceControl& control, const char* token)
    : state_(state),
      control_(control),
      token_(token != nullptr ? token : ""),
      token_len_(std::strlen(token_)) {}

void CommandProcessor::reply_error(CommandOutput& out, const char* id, size_t id_len,
                                   const char* cmd, size_t cmd_len, const char* code,
                                   const char* message) {
  JsonWriter w(out.reply, sizeof(out.reply));
  w.begin_object();
  w.field("type", "reply");
  if (id != nullptr) w.field("id", id, id_len);
  w.field("cmd", cmd, utf8_prefix(cmd, cmd_len, kMaxEchoedName));
  w.field("ok", false);
  w.field("error", code);
  w.field("message", message);
  w.end_object();
  if (!w.ok()) {
    // Cannot happen with the limits above (id <= 32 characters, names cut to
    // 32 bytes), but a client must never get silence or half an object.
    static const char kFallback[] =
        R"({"type":"reply","cmd":"","ok":false,"error":"failed","message":"reply too large"})";
    static_assert(sizeof(kFallback) <= CommandOutput::kReplyCapacity, "fallback fits");
    std::memcpy(out.reply, kFallback, sizeof(kFallback));
    out.reply_len = sizeof(kFallback) - 1;
  } else {
    out.reply_len = w.size();
  }
  TextBuffer human(out.human, sizeof(out.human));
  human.append("[CMD] Error (%s): %s\n", code, message);
  out.human_len = human.size();
}

void CommandProcessor::reply_too_long(CommandOutput& out) {
  reply_error(out, nullptr, 0, "", 0, "bad_request", "message too long");
}

void CommandProcessor::handle_json(const char* text, size_t len, Transport transport,
                                   CommandOutput& out) {
  if (len > kMaxWsText) {
    reply_too_long(out);
    return;
  }
  const JsonError error = reader_.parse(text, len);
  if (error != JsonError::None) {
    const char* why = error == JsonError::NotObject       ? "not a JSON object"
                      : error == JsonError::DuplicateKey  ? "duplicate key"
                      : error == JsonError::TooManyFields ? "too many fields"
                      : error == JsonError::TooDeep       ? "nested too deeply"
                                                          : "not valid JSON";
    reply_error(out, nullptr, 0, "", 0, "bad_request", why);
    return;
  }
  const JsonValue* id = reader_.find("id");
  if (id != nullptr && id->type == JsonType::Null) id = nullptr;
  size_t id_chars = 0;
  if (id != nullptr && (id->type != JsonType::String || !utf8_count(id->str, id->len, &id_chars) ||
                        id_chars > kMaxIdChars)) {
    reply_error(out, nullptr, 0, "", 0, "bad_request", "id must be a string of at most 32 characters");
    return;
  }
  const char* id_str = id != nullptr ? id->str : nullptr;
  const size_t id_len = id != nullptr ? id->len : 0;
  const JsonValue* cmd = reader_.find("cmd");
  if (cmd == nullptr || cmd->type != JsonType::String) {
    reply_error(out, id_str, id_len, "", 0, "bad_request", "no cmd");
    return;
  }
  if (transport == Transport::WebSocket && auth_required()) {
    const JsonValue* given = reader_.find("token");
    if (given == nullptr || given->type != JsonType::String ||
        !token_equals(given->str, given->len, token_, token_len_)) {
      reply_error(out, id_str, id_len, cmd->str, cmd->len, "unauthorized", "command token required");
      return;
    }
  }
  Arg arg;
  const JsonValue* value = reader_.find("arg");
  if (value != nullptr) {
    switch (value->type) {
      case JsonType::Null: break;
      case JsonType::Integer:
        arg.kind = Arg::Kind::Integer;
        arg.integer = value->integer;
        break;
      case JsonType::String:
        arg.kind = Arg::Kind::String;
        arg.str = value->str;
        arg.len = value->len;
        break;
      default:
        arg.kind = Arg::Kind::Other;
    }
  }
  run(cmd->str, cmd->len, arg, id_str, id_len, transport, out, false);
}

bool CommandProcessor::handle_human(const char* line, size_t len, CommandOutput& out) {
  // Words: the command, then its argument; further words are ignored, as the
  // emulator does.
  const char* words[2] = {nullptr, nullptr};
  size_t lens[2] = {0, 0};
  size_t count = 0;
  size_t i = 0;
  while (i < len && count < 2) {
    while (i < len && is_space(line[i])) ++i;
    if (i == len) break;
    const size_t start = i;
    while (i < len && !is_space(line[i])) ++i;
    words[count] = line + start;
    lens[count] = i - start;
    ++count;
  }
  if (count == 0) return false;
  Arg arg;
  if (count == 2) {
    const CommandSpec* spec = find_command(words[0], lens[0]);
    int64_t number = 0;
    if (spec != nullptr && spec->arg == ArgSpec::Int && parse_decimal(words[1], lens[1], &number)) {
      arg.kind = Arg::Kind::Integer;
      arg.integer = number;
    } else {
      arg.kind = Arg::Kind::String;
      arg.str = words[1];
      arg.len = lens[1];
    }
  }
  run(words[0], lens[0], arg, nullptr, 0, Transport::Serial, out, true);
  return true;
}

bool CommandProcessor::handle_ws_text(const char* text, size_t len, uint64_t rx_us,
                                      CommandOutput& out) {
  const Ping ping = parse_ping(text, len);
  if (ping.kind == PingKind::Plain) {
    std::memcpy(out.reply, "PONG", 5);
    out.reply_len = 4;
    return true;
  }
  if (ping.kind == PingKind::Token) {
    out.reply_len = write_pong(ping, rx_us, control_.now_us(), out.reply, sizeof(out.reply));
    return out.reply_len != 0;
  }
  size_t i = 0;
  while (i < len && is_space(text[i])) ++i;
  if (i == len || text[i] != '{') return false;
  handle_json(text, len, Transport::WebSocket, out);
  return true;
}

CommandProcessor::Outcome CommandProcessor::check_arg(const CommandSpec& spec, const Arg& arg,
                                                      int64_t* number) const {
  switch (spec.arg) {
    case ArgSpec::None:
      return Outcome::ok();
    case ArgSpec::Int:
      if (arg.kind == Arg::Kind::None) {
        return Outcome::fail("bad_argument", "%s needs an argument", spec.name);
      }
      if (arg.kind != Arg::Kind::Integer) {
        return Outcome::fail("bad_argument", "%s takes an integer", spec.name);
      }
      if (arg.integer < spec.min || arg.integer > spec.max) {
        return Outcome::fail("bad_argument", "%s must be %d-%d", spec.name, spec.min, spec.max);
      }
      *number = arg.integer;
      return Outcome::ok();
    case ArgSpec::FrameSize: {
      const int index =
          arg.kind == Arg::Kind::String ? frame_size_index(arg.str, arg.len) : -1;
      if (index < 0) {
        return Outcome::fail("bad_argument",
                             "%s must be one of QQVGA, QCIF, HQVGA, QVGA, CIF, VGA, SVGA, XGA",
                             spec.name);
      }
      *number = index;
      return Outcome::ok();
    }
    case ArgSpec::Toggle:
      if (arg.kind == Arg::Kind::None) return Outcome::ok();
      if (arg.kind == Arg::Kind::String && ((arg.len == 2 && std::memcmp(arg.str, "on", 2) == 0) ||
                                            (arg.len == 3 && std::memcmp(arg.str, "off", 3) == 0))) {
        return Outcome::ok();
      }
      return Outcome::fail("bad_argument", "%s takes on or off", spec.name);
  }
  return Outcome::ok();
}

void CommandProcessor::run(const char* name, size_t name_len, const Arg& arg, const char* id,
                           size_t id_len, Transport transport, CommandOutput& out, bool human) {
  const CommandSpec* spec = find_command(name, name_len);
  if (spec == nullptr) {
    char message[64];
    const size_t shown = utf8_prefix(name, name_len, kMaxEchoedName);
    std::snprintf(message, sizeof(message), "unknown command '%.*s'", static_cast<int>(shown), name);
    reply_error(out, id, id_len, name, name_len, "unknown_command", message);
    return;
  }
  if (spec->serial_only && transport != Transport::Serial) {
    char message[64];
    std::snprintf(message, sizeof(message), "%s is only allowed on the serial console", spec->name);
    reply_error(out, id, id_len, name, name_len, "not_allowed", message);
    return;
  }
  int64_t number = 0;
  Outcome checked = check_arg(*spec, arg, &number);
  if (checked.error != nullptr) {
    reply_error(out, id, id_len, name, name_len, checked.error, checked.message);
    return;
  }

  JsonWriter w(out.reply, sizeof(out.reply));
  w.begin_object();
  w.field("type", "reply");
  if (id != nullptr) w.field("id", id, id_len);
  w.field("cmd", spec->name);
  w.field("ok", true);
  w.key("result");
  w.begin_object();
  TextBuffer text(out.human, sizeof(out.human));
  ResultWriter result(w, human ? &text : nullptr);
  const Outcome done = execute(*spec, arg, number, result);
  if (done.error != nullptr) {
    reply_error(out, id, id_len, name, name_len, done.error, done.message);
    return;
  }
  w.end_object();
  w.end_object();
  if (!w.ok()) {  // a result larger than the buffer: say so rather than send half of it
    reply_error(out, id, id_len, name, name_len, "failed", "reply too large");
    return;
  }
  out.reply_len = w.size();
  out.human_len = text.size();
}

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
    case CommandId::Quality:
      if (!control_.apply_quality(static_cast<int>(number))) {
        return Outcome::fail("failed", "%s: the sensor rejected the setting", spec.name);
      }
      settings.quality = static_cast<uint8_t>(number);
      r.say("JPEG quality set to %d", static_cast<int>(number));
      r.field("quality", static_cast<int>(number));
      break;
    case CommandId::FrameSize: {
      const FrameSize* size = frame_size_at(static_cast<size_t>(number));
      if (!control_.apply_frame_size(static_cast<uint8_t>(number))) {
        return Outcome::fail("failed", "%s: the sensor rejected the setting", spec.name);
      }
      settings.frame_size = static_cast<uint8_t>(number);
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
