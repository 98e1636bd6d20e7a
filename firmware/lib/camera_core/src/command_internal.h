// Private to the command processor's two source files: the argument of a
// command and the outcome of running it.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstdio>

#include "camera_core/command_processor.h"

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

}  // namespace camcore
