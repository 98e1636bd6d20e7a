#include "camera_core/serial_line.h"

namespace camcore {

SerialLineBuffer::Event SerialLineBuffer::feed(char c) {
  if (complete_) {
    complete_ = false;
    len_ = 0;
    buf_[0] = '\0';
  }
  if (c == '\n') {
    if (discarding_) {  // end of an over-long line, already reported
      discarding_ = false;
      len_ = 0;
      return Event::None;
    }
    if (len_ > 0 && buf_[len_ - 1] == '\r') --len_;
    buf_[len_] = '\0';
    complete_ = true;
    if (len_ > kMaxSerialLine) {
      len_ = 0;
      buf_[0] = '\0';
      return Event::Overflow;
    }
    return Event::Line;
  }
  if (discarding_) return Event::None;
  if (len_ >= kMaxSerialLine + 1) {
    discarding_ = true;
    len_ = 0;
    return Event::Overflow;
  }
  buf_[len_++] = c;
  return Event::None;
}

}  // namespace camcore
