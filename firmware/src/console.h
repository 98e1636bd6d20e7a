// Serial console output. A line is written under a lock, so lines from the
// stream, server and console tasks never interleave mid-line.
#pragma once

#include <cstddef>

namespace cam {

// Opens the port (115200 8N1) and creates the lock; call first in setup().
void console_begin();

// "[TAG] text" (tags as in docs/protocol.md: ERROR, WARNING, INFO, ...).
void log_line(const char* tag, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

// Writes `len` bytes followed by a line end.
void write_line(const char* text, size_t len);

// Writes text that may hold several '\n'-separated lines, each as a line.
void write_lines(const char* text, size_t len);

}  // namespace cam
