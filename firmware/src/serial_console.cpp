#include "serial_console.h"

#include <Arduino.h>

#include "app.h"
#include "camera_core/serial_line.h"
#include "console.h"

namespace cam {

namespace {

camcore::SerialLineBuffer g_line;
camcore::CommandOutput g_out;  // used only by the loop task

void on_line(const char* line, size_t len) {
  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i < len && line[i] == '{') {
    {
      CoreLock lock;
      processor().handle_json(line, len, camcore::Transport::Serial, g_out);
    }
    write_line(g_out.reply, g_out.reply_len);
    return;
  }
  bool answered;
  {
    CoreLock lock;
    answered = processor().handle_human(line, len, g_out);
  }
  if (answered) write_lines(g_out.human, g_out.human_len);
}

}  // namespace

void serial_poll() {
  // Bounded per call so a flood on the port cannot starve the loop task.
  for (int budget = 512; budget > 0 && Serial.available() > 0; --budget) {
    const int c = Serial.read();
    if (c < 0) break;
    switch (g_line.feed(static_cast<char>(c))) {
      case camcore::SerialLineBuffer::Event::Line:
        on_line(g_line.line(), g_line.length());
        break;
      case camcore::SerialLineBuffer::Event::Overflow: {
        {
          CoreLock lock;
          processor().reply_too_long(g_out);
        }
        write_line(g_out.reply, g_out.reply_len);
        break;
      }
      case camcore::SerialLineBuffer::Event::None:
        break;
    }
  }
}

}  // namespace cam
