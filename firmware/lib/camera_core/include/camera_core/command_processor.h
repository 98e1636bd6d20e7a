// Parses, authorises and runs commands (docs/protocol.md): JSON commands from
// the WebSocket or serial, human serial lines, and the WebSocket's PING.
//
// Order of checks for a JSON command, each failing with the code shown:
//   length > 512                      -> bad_request (no id)
//   not JSON / not an object          -> bad_request (no id)
//   id not a string or > 32 chars     -> bad_request (no id: it cannot be echoed)
//   cmd missing or not a string       -> bad_request
//   token (WebSocket, token set)      -> unauthorized   (before anything about the
//                                                        command, so an unauthorised
//                                                        client learns nothing)
//   unknown cmd                       -> unknown_command
//   serial-only cmd over WebSocket    -> not_allowed
//   bad argument                      -> bad_argument
//   device error                      -> failed
//
// Not thread-safe: the glue serialises calls with its core lock.
#pragma once

#include <cstddef>
#include <cstdint>

#include "camera_core/camera_state.h"
#include "camera_core/commands.h"
#include "camera_core/device_control.h"
#include "camera_core/json_reader.h"
#include "camera_core/result_writer.h"

namespace camcore {

enum class Transport : uint8_t { WebSocket, Serial };

// Output of one command. `reply` is one line of JSON (the reply object, or a
// PONG / pong answer to a ping); `human` is the readable text for a human
// serial line. Sized for the largest result (help).
struct CommandOutput {
  static constexpr size_t kReplyCapacity = 1536;
  static constexpr size_t kHumanCapacity = 1536;
  char reply[kReplyCapacity];
  size_t reply_len = 0;
  char human[kHumanCapacity];
  size_t human_len = 0;
};

class CommandProcessor {
 public:
  // `token`: the command token; nullptr or "" means no authentication. The
  // pointer must stay valid (the glue passes a build-time constant).
  CommandProcessor(CameraState& state, DeviceControl& control, const char* token);

  bool auth_required() const { return token_len_ != 0; }

  // A JSON command; always writes a reply.
  void handle_json(const char* text, size_t len, Transport transport, CommandOutput& out);

  // A human serial line ("quality 10"). Writes the reply JSON and readable
  // text; returns false (nothing written) for a blank line.
  bool handle_human(const char* line, size_t len, CommandOutput& out);

  // One WebSocket text message, received at rx_us. Returns true when
  // out.reply holds the answer: "PONG", a pong JSON or a command reply.
  // Text that is neither a ping nor a JSON object is ignored (v1 clients may
  // send anything). `len` may exceed 512 only if the glue read it whole.
  bool handle_ws_text(const char* text, size_t len, uint64_t rx_us, CommandOutput& out);

  // Serial line or WebSocket message over the size limit: bad_request.
  void reply_too_long(CommandOutput& out);

 private:
  struct Arg;
  struct Outcome;

  void reply_error(CommandOutput& out, const char* id, size_t id_len, const char* cmd,
                   size_t cmd_len, const char* code, const char* message);
  void run(const char* name, size_t name_len, const Arg& arg, const char* id, size_t id_len,
           Transport transport, CommandOutput& out, bool human);
  Outcome check_arg(const CommandSpec& spec, const Arg& arg, int64_t* number) const;
  Outcome execute(const CommandSpec& spec, const Arg& arg, int64_t number, ResultWriter& r);

  CameraState& state_;
  DeviceControl& control_;
  const char* token_;
  size_t token_len_;
  FlatJsonReader reader_;
};

}  // namespace camcore
