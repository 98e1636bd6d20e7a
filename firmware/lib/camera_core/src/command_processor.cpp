#include "camera_core/command_processor.h"

#include "command_internal.h"

#include <cstdio>
#include <cstring>

#include "camera_core/frame_sizes.h"
#include "camera_core/ping.h"
#include "camera_core/protocol_limits.h"
#include "camera_core/token.h"
#include "camera_core/utf8.h"

namespace camcore {

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

}  // namespace camcore
