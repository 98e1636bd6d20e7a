// Assembles serial console bytes into lines (docs/protocol.md): '\n' ends a
// line, a '\r' before it is dropped, and a line longer than 256 bytes is
// discarded up to the next '\n' and reported once as an overflow.
#pragma once

#include <cstddef>

#include "camera_core/protocol_limits.h"

namespace camcore {

class SerialLineBuffer {
 public:
  enum class Event { None, Line, Overflow };

  // Feeds one byte. On Event::Line, line()/length() hold the line (without
  // "\r\n") until the next call.
  Event feed(char c);
  const char* line() const { return buf_; }
  size_t length() const { return len_; }

 private:
  // One spare byte for a '\r' that turns out to precede '\n', plus the NUL.
  char buf_[kMaxSerialLine + 2] = {};
  size_t len_ = 0;
  bool complete_ = false;   // the last feed returned a line: start a new one
  bool discarding_ = false;  // inside an over-long line
};

}  // namespace camcore
